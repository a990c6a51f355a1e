"""Max and min aggregation of source features over CSR segments.

.. math::
    \\mathrm{out}_i = \\max_{j \\in \\mathcal{N}(i)} x_j \\quad (\\text{elementwise}),
    \\qquad \\mathrm{out}_i = 0 \\text{ if } \\mathcal{N}(i) = \\emptyset

Per-edge messages are gathered one chunk of destination rows at a time, so memory stays
bounded by the chunk size (see :mod:`graphkit.ops.chunks`). The backward pass follows
``torch.scatter_reduce``'s rule: the gradient of ``out_i`` is split evenly among all
edges whose source value equals the maximum (ties, such as zeros after a ReLU, share it).

The three block-level functions below are also the building blocks of the distributed
aggregation, where one destination's neighbours are spread over several blocks: the
partial maxima combine with ``torch.maximum``, and the tie counts add up.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.block import Block
from graphkit.ops.chunks import row_chunks
from graphkit.ops.shapes import as_matrix

_REDUCES = ("max", "min")


def _check_reduce(reduce: str) -> None:
    if reduce not in _REDUCES:
        raise ValueError(f"reduce must be one of {_REDUCES}, got {reduce!r}")


def block_extremum(block: Block, x: Tensor, reduce: str) -> Tensor:
    """Max (or min) of ``x[src]`` per destination; ``-inf`` (``+inf``) where no edges."""
    _check_reduce(reduce)
    x2 = as_matrix(x)
    fill = float("-inf") if reduce == "max" else float("inf")
    out = x2.new_full((block.num_dst, x2.size(1)), fill)
    counts = block.rowptr[1:] - block.rowptr[:-1]
    for r0, r1, e0, e1 in row_chunks(block, x2.size(1)):
        if e1 == e0:
            continue
        values = x2[block.col[e0:e1]]
        out[r0:r1] = torch.segment_reduce(values, reduce, lengths=counts[r0:r1], axis=0)
    return out.reshape(block.num_dst, *x.shape[1:])


def block_tie_count(block: Block, x: Tensor, out: Tensor) -> Tensor:
    """Count, per destination and feature, the edges whose source value equals ``out``."""
    x2 = as_matrix(x)
    out2 = as_matrix(out)
    count = x2.new_zeros(out2.shape)
    row = block.row
    for r0, r1, e0, e1 in row_chunks(block, x2.size(1)):
        if e1 == e0:
            continue
        equal = (x2[block.col[e0:e1]] == out2[row[e0:e1]]).to(x2.dtype)
        count.index_add_(0, row[e0:e1], equal)
    return count.reshape(out.shape)


def block_extremum_backward(block: Block, x: Tensor, out: Tensor, grad_share: Tensor) -> Tensor:
    """Send ``grad_share[dst]`` to every source whose value equals ``out[dst]``.

    ``grad_share`` is the output gradient already divided by the tie count.
    """
    x2 = as_matrix(x)
    out2 = as_matrix(out)
    share2 = as_matrix(grad_share)
    grad_x = torch.zeros_like(x2)
    row = block.row
    for r0, r1, e0, e1 in row_chunks(block, x2.size(1)):
        if e1 == e0:
            continue
        src = block.col[e0:e1]
        dst = row[e0:e1]
        equal = x2[src] == out2[dst]
        grad_x.index_add_(0, src, torch.where(equal, share2[dst], 0.0))
    return grad_x.reshape(x.shape)


class _SegmentExtremum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor, block: Block, reduce: str) -> Tensor:
        out = block_extremum(block, x, reduce)
        # Only rows without edges become 0. An infinite feature of a neighbour stays the
        # result, as in the plain path.
        empty = block.rowptr[1:] == block.rowptr[:-1]
        out = torch.where(empty.view(-1, *([1] * (out.dim() - 1))), 0.0, out)
        ctx.block = block
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        x, out = ctx.saved_tensors
        count = block_tie_count(ctx.block, x, out)
        share = torch.where(count > 0, grad_out / count.clamp(min=1), 0.0)
        return block_extremum_backward(ctx.block, x, out, share), None, None


def segment_aggregate(block: Block, x: Tensor, reduce: str = "max") -> Tensor:
    """Max or min of source features per destination, without per-edge storage.

    Args:
        block (Block): the edges.
        x (Tensor): ``[num_src, *F]`` source features.
        reduce (str): ``"max"`` or ``"min"``.

    Shapes:
        output ``[num_dst, *F]``; rows without incoming edges are 0.
    """
    _check_reduce(reduce)
    if x.size(0) != block.num_src:
        raise ValueError(f"x has {x.size(0)} rows but the block has {block.num_src} sources")
    return _SegmentExtremum.apply(x, block, reduce)
