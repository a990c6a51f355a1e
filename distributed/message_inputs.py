"""The tensors with gradients that a user message function reads besides its arguments.

The distributed graph computes messages inside its own ``torch.autograd.Function``,
so autograd differentiates only with respect to the function's inputs. The message may
also read tensors that require a gradient from elsewhere: a module's parameters, or a
tensor computed earlier in the forward pass and captured by a closure. Each of them
must be an input of that function, or its gradient is lost.

:func:`message_inputs` finds them by calling the message once on a single edge under a
``TorchFunctionMode`` that records every tensor a torch function receives. A tensor
that neither is an argument nor was made during the call was read from outside.
One edge cannot show a read that depends on the data (a layer applied only to some
rows), so the parameters of every module the message is bound to or captures, and
the tensors it captures, are inputs as well. An input that no message reads gets no
gradient.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten, tree_map

from graphkit.block import Block

logger = logging.getLogger(__name__)


class _OutsideReads(TorchFunctionMode):
    """Record the tensors that torch functions receive from outside the call."""

    def __init__(self, arguments: list[Tensor]) -> None:
        super().__init__()
        # Every tensor seen stays referenced until the call ends, so that no id is
        # reused by a new tensor.
        self.seen = {id(t): t for t in arguments}
        self.read: list[Tensor] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        for t in tree_flatten((args, kwargs))[0]:
            if isinstance(t, Tensor) and id(t) not in self.seen:
                self.seen[id(t)] = t
                if t.requires_grad:
                    self.read.append(t)
        out = func(*args, **kwargs)
        for t in tree_flatten(out)[0]:
            if isinstance(t, Tensor):
                self.seen.setdefault(id(t), t)
        return out


def _owner_parameters(message: Callable) -> list[Tensor]:
    """Return the trainable tensors a message owns or captures.

    These are the parameters of the message if it is a module, of a bound method's
    owner and of each module a closure captures, and each tensor a closure captures.
    """
    owners = [message, getattr(message, "__self__", None)]
    for cell in getattr(message, "__closure__", None) or ():
        try:
            owners.append(cell.cell_contents)
        except ValueError:  # a cell that is not assigned yet
            continue
    found: dict[int, Tensor] = {}
    for owner in owners:
        if isinstance(owner, nn.Module):
            tensors = list(owner.parameters())
        elif isinstance(owner, Tensor):
            tensors = [owner]
        else:
            continue
        for t in tensors:
            if t.requires_grad:
                found.setdefault(id(t), t)
    return list(found.values())


def message_inputs(
    message: Callable, block: Block, x: Tensor, x_dst: Tensor
) -> list[Tensor]:
    """Return the tensors requiring gradients that ``message`` reads besides its
    arguments.

    ``message`` runs once, without gradients, on the first edge of ``block`` (this
    rank's own edges), or on zero edges when the block has none. The tensors it owns
    or captures (see :func:`_owner_parameters`) follow the ones the call read. If
    that call fails, only the owned and captured tensors are returned, and the real
    call reports the error.
    """
    edges = min(block.num_edges, 1)
    arguments = [
        x[block.col[:edges]],
        x_dst[block.row[:edges]],
        None if block.edge_attr is None else block.edge_attr[:edges],
    ]
    reads = _OutsideReads([t for t in arguments if t is not None])
    try:
        with torch.no_grad(), reads:
            message(*arguments)
    except Exception as error:  # noqa: BLE001 - the real call raises it again
        logger.debug("probing the message function failed: %s", error)
        return _owner_parameters(message)
    inputs = {id(t): t for t in reads.read}
    for t in _owner_parameters(message):
        inputs.setdefault(id(t), t)
    return list(inputs.values())


class ReadAsLeaves(TorchFunctionMode):
    """Give a message function detached leaf copies in place of its outside inputs.

    A message may read a tensor computed from another of its inputs, such as
    ``w = torch.sigmoid(gate)`` in a closure of a module that owns ``gate``. Both are
    inputs of the propagate function. Without the copies, the gradient with respect
    to ``gate`` would follow ``w``'s graph, which lies outside the function. That
    pass frees ``w``'s graph, so the next block, or autograd's own later pass through
    ``w``, fails. It would also count the path through ``w`` twice, because autograd
    takes that path again from ``w``'s gradient. Within this mode every torch
    function receives ``leaves[k]`` where it would receive ``inputs[k]``, so the
    message's graph stops at the leaves and each gradient is the direct one.
    """

    def __init__(self, inputs: list[Tensor], leaves: list[Tensor]) -> None:
        super().__init__()
        self.leaf_of = {id(t): leaf for t, leaf in zip(inputs, leaves)}
        # The originals stay referenced, so that no id is reused during the call.
        self.inputs = inputs

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.leaf_of:
            args, kwargs = tree_map(self._swap, (args, kwargs))
        return func(*args, **kwargs)

    def _swap(self, value):
        if isinstance(value, Tensor):
            return self.leaf_of.get(id(value), value)
        return value


def independent_inputs(inputs: list[Tensor]) -> list[bool]:
    """Return, for each input, whether no other input was computed from it.

    A custom ``autograd.Function`` inside a message receives its arguments unchanged,
    so it reads the inputs themselves, not the leaves of :class:`ReadAsLeaves`. The
    propagate function adds the gradient of such a direct read by differentiating
    with respect to the input itself. That is correct only for an independent input.
    For ``gate`` with ``w = sigmoid(gate)`` also an input, the gradient would follow
    ``w``'s graph (see :class:`ReadAsLeaves`). The walk covers the autograd graphs
    of the non-leaf inputs.

    NOTE: A read of a dependent input (``gate`` above) by a custom
    ``autograd.Function`` inside the message therefore gets no gradient.
    """
    reached_nodes: set = set()
    reached_leaves: set[int] = set()
    stack = [
        node
        for t in inputs
        if t.grad_fn is not None
        for node, _ in t.grad_fn.next_functions
    ]
    while stack:
        node = stack.pop()
        if node is None or node in reached_nodes:
            continue
        reached_nodes.add(node)
        # An AccumulateGrad node stores its leaf tensor as ``variable``.
        variable = getattr(node, "variable", None)
        if variable is not None:
            reached_leaves.add(id(variable))
        stack.extend(child for child, _ in node.next_functions)
    return [
        (t.grad_fn not in reached_nodes) if t.grad_fn is not None
        else id(t) not in reached_leaves
        for t in inputs
    ]
