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


def check_edgewise_message(
    message: Callable, block: Block, x: Tensor, x_dst: Tensor, rank: int
) -> None:
    """Raise ValueError when ``message`` on two edges differs from two one-edge calls.

    The two edges are the first two of ``block``, or its first edge twice when it
    has one. A message that fails or returns no tensor passes, so that the real call
    reports it, and so does a random message (two calls on the same edges differ).
    The random state is the same after the check as before it.

    NOTE: a message that mixes edges but agrees on these two (``x_j - x_j.mean(0)``
    on one repeated edge) still passes. A rank that passes then waits for the ranks
    that raised until the group's timeout.
    """
    if block.num_edges == 0:
        return
    rows = torch.tensor([0, min(1, block.num_edges - 1)], device=block.col.device)

    def call(edges: Tensor):
        attr = None if block.edge_attr is None else block.edge_attr[edges]
        return message(x[block.col[edges]], x_dst[block.row[edges]], attr)

    # The calls restore the random state afterwards, so that a message that draws
    # random numbers (dropout) leaves the real call the same numbers.
    devices = [x.device.index or 0] if x.device.type == "cuda" else []
    try:
        with torch.random.fork_rng(devices=devices), torch.no_grad():
            together = call(rows)
            again = call(rows)
            apart = [call(rows[i : i + 1]) for i in range(2)]
    except Exception:  # noqa: BLE001 - the real call raises it again
        return
    if not isinstance(together, Tensor) or not all(isinstance(t, Tensor) for t in apart):
        return
    if not isinstance(again, Tensor) or not torch.equal(together, again):
        # A random message differs between calls anyway, so the comparison cannot
        # detect edge mixing.
        return
    if together.dim() == 0 or together.size(0) != 2:
        return
    if any(t.shape != together[i : i + 1].shape for i, t in enumerate(apart)):
        return
    separate = torch.cat(apart)
    if not together.is_floating_point():
        same = torch.equal(together, separate)
    else:
        # Matrix products round differently for two rows than for one, and a row near
        # zero after cancellation keeps the rounding of its larger terms, so the
        # tolerance scales with the largest message value.
        loose = together.dtype in (torch.float16, torch.bfloat16)
        rtol = 1e-2 if loose else 1e-4
        scale = float(together.abs().nan_to_num(0.0, 0.0, 0.0).max())
        same = torch.allclose(
            together, separate, rtol=rtol, atol=1e-5 + rtol * scale, equal_nan=True
        )
    if not same:
        raise ValueError(
            f"rank {rank}: the propagate message function gives an edge another "
            "message when other edges are passed with it (it mixes edges, as "
            "e / e.sum() or a softmax over dim 0 do). The distributed graph calls it "
            "block by block, so its output would differ from LocalGraph's. Compute "
            "each row from that edge's x_j, x_i and edge_attr only, and normalise "
            "over neighbours with a separate graph.aggregate or graph.propagate"
        )
