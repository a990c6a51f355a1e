"""The plain domain-parallel baseline: fetch the whole halo once, then per-edge autograd.

A rank that owns ``n`` nodes gathers the rows of all its halo sources into one tensor

.. math::
    \\tilde x = [x; x_{S_{p_1}}; x_{S_{p_2}}; \\dots], \\qquad
    \\frac{\\partial L}{\\partial x} = g_{0:n} + \\sum_q P_q^\\top g^{(q)}

where the peers ``p_1 < p_2 < ...`` exclude this rank, ``g`` is the gradient of
``\\tilde x``, and ``g^{(q)}`` is the slice that peer ``q`` computed for this rank's rows,
added at the rows ``P_q`` it had fetched. The aggregation then runs the reference
gather/scatter ops of :mod:`graphkit.ops.plain` on one merged block, with sources
numbered as in ``\\tilde x``. Autograd therefore keeps per-edge tensors for the
backward pass (for GAT: the attention coefficients and the gathered values of every
edge). SAR's memory savings are measured against this baseline. The default
``one-shot`` mode instead keeps only the fetched rows and uses the CSR kernels.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.block import Block
from graphkit.distributed.halo import HaloExchange
from graphkit.ops.shapes import as_matrix


def halo_offsets(halo: HaloExchange, num_nodes: int) -> dict[int, int]:
    """Return the first row of each peer's halo in the gathered tensor (own rows first)."""
    offsets, offset = {halo.rank: 0}, num_nodes
    for peer in range(halo.world_size):
        if peer != halo.rank:
            offsets[peer] = offset
            offset += halo.recv_counts[peer]
    return offsets


class HaloGather(torch.autograd.Function):
    """Concatenation ``[n, *] -> [n + H, *]`` of own rows and every peer's halo rows.

    Peers follow in increasing rank, this rank's rows first.
    """

    @staticmethod
    def forward(ctx, x: Tensor, halo: HaloExchange, label: str) -> Tensor:
        x2 = as_matrix(x)
        parts = {peer: rows for peer, (rows,) in halo.fetch([x2], label)}
        order = sorted(parts, key=lambda p: (p != halo.rank, p))
        out = torch.cat([parts.pop(p) for p in order])
        ctx.halo, ctx.label, ctx.x_shape = halo, label, x.shape
        return out.reshape(out.size(0), *x.shape[1:])

    @staticmethod
    def backward(ctx, grad: Tensor):
        halo: HaloExchange = ctx.halo
        n = ctx.x_shape[0]
        g = as_matrix(grad)
        grad_x = g[:n].clone()
        offsets = halo_offsets(halo, n)

        def grads():
            for peer in halo.peer_order():
                if peer == halo.rank:
                    yield peer, [None]
                    continue
                start = offsets[peer]
                yield peer, [g[start : start + halo.recv_counts[peer]].contiguous()]

        halo.return_grads(grads(), [grad_x], ctx.label + "/grad")
        return grad_x.reshape(ctx.x_shape), None, None


def merged_block(
    blocks: list[Block],
    halo: HaloExchange,
    values: list[Tensor] | None = None,
) -> Block:
    """Build one block of all in-edges, numbering sources as :class:`HaloGather` does.

    Args:
        blocks (list[Block]): per peer, its block (local numbering for this rank's own
            block, compact halo numbering for the others).
        halo (HaloExchange): gives the rank and the halo size of every peer.
        values (list[Tensor], optional): per peer, fixed edge values in block order,
            stored as the merged block's ``edge_weight``.
    """
    n = blocks[halo.rank].num_dst
    offsets = halo_offsets(halo, n)
    cols, rows, weights, attrs = [], [], [], []
    for peer, block in enumerate(blocks):
        cols.append(block.col + offsets[peer])
        rows.append(block.row)
        if values is not None:
            weights.append(values[peer])
        if block.edge_attr is not None:
            attrs.append(block.edge_attr)
    num_src = n + sum(c for p, c in enumerate(halo.recv_counts) if p != halo.rank)
    return Block.from_edge_index(
        torch.stack([torch.cat(cols), torch.cat(rows)]),
        num_src,
        n,
        edge_weight=torch.cat(weights) if values is not None else None,
        edge_attr=torch.cat(attrs) if len(attrs) == len(blocks) else None,
    )
