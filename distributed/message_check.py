"""Reject message functions whose rows depend on the other edges of the call.

The distributed graph calls a ``propagate`` message once per block of edges (one
block per peer, possibly in chunks), where :class:`~graphkit.graph.LocalGraph` calls
it on all edges at once. A message that mixes edges, such as ``e / e.sum()`` or a
softmax over dim 0, therefore gives other results on several ranks, without an error.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from graphkit.block import Block

# Edges of the block that the check passes to the message, spread from its first
# edge to its last. Each costs one extra message call on one edge.
SAMPLED_EDGES = 4


def check_edgewise_message(
    message: Callable, block: Block, x: Tensor, x_dst: Tensor, rank: int
) -> None:
    """Raise ValueError when a row of ``message`` depends on the other edges passed.

    The check takes up to ``SAMPLED_EDGES`` edges of ``block`` (its only edge twice
    when it has one) and runs two tests. First, the message of all of them together
    must equal the messages of one-edge calls. Second, changing the floating-point
    inputs (``x_j``, ``x_i``, ``edge_attr``) of the first edge must leave the rows of
    the other edges unchanged. The second test also catches a message such as
    ``x_j - x_j.mean(0)`` on edges whose inputs are equal, where the first cannot.

    A message that fails or returns no tensor passes, so that the real call reports
    it, and so does a random message (two calls on the same edges differ). The
    random state is the same after the check as before it.

    NOTE: a message that mixes edges only through integer inputs still passes. A rank
    that passes then waits for the ranks that raised until the group's timeout.
    """
    if block.num_edges == 0:
        return
    rows = _sampled_edges(block.num_edges, block.col.device)

    def inputs(edges: Tensor) -> tuple:
        attr = None if block.edge_attr is None else block.edge_attr[edges]
        return x[block.col[edges]], x_dst[block.row[edges]], attr

    # The calls restore the random state afterwards, so that a message that draws
    # random numbers (dropout) leaves the real call the same numbers.
    # A CUDA tensor without a CUDA build exists only in the simulated device of the
    # tests, whose random draws use the CPU generator.
    on_cuda = x.device.type == "cuda" and torch.cuda.is_available()
    devices = [x.device.index or 0] if on_cuda else []
    with torch.random.fork_rng(devices=devices), torch.no_grad():
        try:
            together = message(*inputs(rows))
            again = message(*inputs(rows))
        except Exception:  # noqa: BLE001 - the real call raises it again
            return
        if not _is_repeatable(together, again, len(rows)):
            return
        apart = _call_one_by_one(message, inputs, rows, together)
        changed = _call_with_first_row_changed(message, inputs(rows), together)
    if apart is not None and not _allclose(together, torch.cat(apart)):
        _raise_mixing(rank)
    if changed is not None and not _allclose(together[1:], changed[1:]):
        _raise_mixing(rank)


def _sampled_edges(num_edges: int, device: torch.device) -> Tensor:
    """Return up to SAMPLED_EDGES edge positions from first to last, at least two."""
    count = min(SAMPLED_EDGES, num_edges)
    positions = torch.linspace(0, num_edges - 1, count).round().long().unique()
    if positions.numel() == 1:
        positions = positions.repeat(2)
    return positions.to(device)


def _is_repeatable(together, again, num_rows: int) -> bool:
    """Tell whether both outputs are one equal tensor with one row per edge."""
    if not isinstance(together, Tensor) or not isinstance(again, Tensor):
        return False
    if together.dim() == 0 or together.size(0) != num_rows:
        return False
    # A random message differs between calls anyway, so no comparison can detect
    # edge mixing.
    return torch.equal(together, again)


def _call_one_by_one(message, inputs, rows: Tensor, together: Tensor) -> list | None:
    """Call the message on each edge alone, or return None when a call fails.

    A call on one edge can fail where one on several edges works, as a BatchNorm in
    training mode does, so a failure here skips only this comparison.
    """
    try:
        apart = [message(*inputs(rows[i : i + 1])) for i in range(len(rows))]
    except Exception:  # noqa: BLE001 - the other comparison still runs
        return None
    for i, row in enumerate(apart):
        if not isinstance(row, Tensor) or row.shape != together[i : i + 1].shape:
            return None
        if row.dtype != together.dtype:
            return None
    return apart


def _call_with_first_row_changed(message, inputs: tuple, together: Tensor):
    """Call the message with every floating-point input of row 0 changed.

    ``v + 1 + |v|`` differs from ``v`` for every finite ``v``. Returns None when no
    input is a floating-point tensor, or when the call fails or changes the shape.
    """
    changed_inputs = []
    any_changed = False
    for values in inputs:
        if isinstance(values, Tensor) and values.is_floating_point() and values.dim() > 0:
            values = values.clone()
            values[0] = values[0] + 1 + values[0].abs()
            any_changed = True
        changed_inputs.append(values)
    if not any_changed:
        return None
    try:
        changed = message(*changed_inputs)
    except Exception:  # noqa: BLE001 - the changed values are the check's own
        return None
    if not isinstance(changed, Tensor) or changed.shape != together.shape:
        return None
    if changed.dtype != together.dtype:
        return None
    return changed


def _allclose(expected: Tensor, actual: Tensor) -> bool:
    expected, actual = expected.detach(), actual.detach()
    if not expected.is_floating_point():
        return torch.equal(expected, actual)
    # Matrix products round differently for two rows than for one, and a row near
    # zero after cancellation keeps the rounding of its larger terms, so the
    # tolerance scales with the largest message value.
    loose = expected.dtype in (torch.float16, torch.bfloat16)
    rtol = 1e-2 if loose else 1e-4
    scale = float(expected.abs().nan_to_num(0.0, 0.0, 0.0).max()) if expected.numel() else 0.0
    return torch.allclose(
        expected, actual, rtol=rtol, atol=1e-5 + rtol * scale, equal_nan=True
    )


def _raise_mixing(rank: int) -> None:
    raise ValueError(
        f"rank {rank}: the propagate message function gives an edge another "
        "message when other edges are passed with it (it mixes edges, as "
        "e / e.sum(), e - e.mean(0), a softmax over dim 0 or a BatchNorm in training "
        "mode do). The distributed graph calls it block by block, so its output "
        "would differ from LocalGraph's. Compute each row from that edge's x_j, x_i "
        "and edge_attr only, and normalise over neighbours with a separate "
        "graph.aggregate or graph.propagate"
    )
