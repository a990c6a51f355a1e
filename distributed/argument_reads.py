"""Whether a message function differentiably reads ``x_j`` and ``x_i``, agreed by all ranks.

One process differentiates ``message(x[col], x_dst[row], e)`` directly, so ``x`` or
``x_dst`` gets ``grad = None`` when the message ignores it, and so does everything
upstream of it. The distributed propagate must return None for the same inputs. It
must also return None on every rank or on none of them: autograd skips the upstream
backward passes of an input that gets None, and those passes may exchange rows with
the other ranks, which would then wait forever.

A rank's own blocks cannot decide alone, because a message may read ``x_j`` only for
some values (a Python branch on the data), and those values may lie on other ranks.
So :func:`probe_reads` first calls the message on one edge of zeros, which is the
same call on every rank. An argument that this call reads gets a gradient tensor
without any communication. For an argument that it ignores, :func:`agree_reads`
all-reduces whether any rank's blocks read it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import torch
import torch.distributed as dist
from torch import Tensor

from graphkit.distributed.comm import Communicator
from graphkit.distributed.message_inputs import ReadAsLeaves

logger = logging.getLogger(__name__)


def probe_reads(
    message: Callable,
    inputs: list[Tensor],
    x: Tensor,
    x_dst: Tensor,
    edge_attr: Tensor | None,
) -> tuple[bool, bool]:
    """Return whether ``message`` differentiably reads ``x_j`` and ``x_i`` on one zero edge.

    The call gets zero rows of the shapes and dtypes of ``x``, ``x_dst`` and
    ``edge_attr``, and detached copies of ``inputs`` (see
    :class:`~graphkit.distributed.message_inputs.ReadAsLeaves`), so it is the same on
    every rank. A call that fails counts as reading both arguments, so each input
    that requires grad gets a gradient, with zeros in the rows no message reads.
    """
    row_j = _zero_row(x)
    row_i = _zero_row(x_dst)
    edge = None if edge_attr is None else edge_attr.new_zeros((1, *edge_attr.shape[1:]))
    leaves = [t.detach().requires_grad_(True) for t in inputs]
    try:
        with torch.enable_grad(), ReadAsLeaves(inputs, leaves):
            msg = message(row_j, row_i, edge)
    except Exception as error:  # noqa: BLE001 - the real call reports its own errors
        logger.debug("probing which arguments the message reads failed: %s", error)
        return True, True
    arguments = [row_j, row_i]
    differentiable = [t for t in arguments if t.requires_grad]
    if not isinstance(msg, Tensor) or not msg.requires_grad or not differentiable:
        return False, False
    found = torch.autograd.grad(
        msg, differentiable, torch.ones_like(msg), allow_unused=True
    )
    grads = iter(found)
    reads = [next(grads) is not None if t.requires_grad else False for t in arguments]
    return reads[0], reads[1]


def agree_reads(comm: Communicator, read_src: bool, read_dst: bool) -> tuple[bool, bool]:
    """Return whether any rank read ``x_j`` and ``x_i`` (one all-reduce on every rank)."""
    flags = torch.tensor([float(read_src), float(read_dst)], device=comm.device)
    flags = comm.all_reduce(flags, op=dist.ReduceOp.MAX, label="propagate/reads")
    # NOTE: on nccl the all-reduce makes the host wait for the backward pass so far
    # (Communicator.all_reduce blocks until it has finished). It runs only for an
    # argument that the zero edge of probe_reads ignores.
    any_src, any_dst = flags.tolist()
    return any_src > 0, any_dst > 0


def _zero_row(t: Tensor) -> Tensor:
    row = t.new_zeros((1, *t.shape[1:]))
    return row.requires_grad_(row.is_floating_point() or row.is_complex())
