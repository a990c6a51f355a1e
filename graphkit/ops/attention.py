"""Additive (GAT-style) attention aggregation without a stored per-edge attention tensor.

For destination ``i``, sources ``j``, heads ``h``:

.. math::
    e_{ij} = \\mathrm{LeakyReLU}(s^{src}_j + s^{dst}_i), \\quad
    \\alpha_{ij} = \\frac{\\exp(e_{ij} - m_i)}{Z_i}, \\quad
    \\mathrm{out}_i = \\sum_j \\alpha_{ij} v_j

with the per-node maximum :math:`m_i = \\max_j e_{ij}` and normaliser
:math:`Z_i = \\sum_j \\exp(e_{ij} - m_i)` (Velickovic et al., GAT, ICLR 2018, Eq. 3-4).
The forward pass walks over chunks of destination rows and keeps only per-node
quantities (``m``, ``Z``, ``out``). The backward pass recomputes :math:`\\alpha` chunk by
chunk and uses

.. math::
    \\frac{\\partial L}{\\partial v_j} = \\sum_i \\alpha_{ij} g_i, \\qquad
    \\frac{\\partial L}{\\partial e_{ij}} = \\alpha_{ij}\\,(g_i \\cdot v_j - g_i \\cdot
    \\mathrm{out}_i)

where :math:`g_i` is the output gradient. Peak memory is that of one chunk plus node
tensors, not edges times heads.

Attention dropout multiplies :math:`\\alpha_{ij}` by a Bernoulli mask scaled by
:math:`1/(1-p)`. The mask is drawn from a generator seeded per chunk, so the backward
pass regenerates exactly the mask of the forward pass.

The block-level functions (:func:`block_max`, :func:`block_sum`, :func:`block_weighted`,
:func:`block_backward`) let a destination's neighbours be spread over several blocks:
the distributed graph combines per-block maxima with ``torch.maximum`` and adds the
normalisers after rescaling, exactly as the single-block function does.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from graphkit.block import Block
from graphkit.ops.chunks import row_chunks


@dataclass(frozen=True)
class AttentionDropout:
    """Attention dropout probability and the seed its masks are drawn from."""

    p: float = 0.0
    seed: int = 0

    def mask(self, chunk_index: int, shape: tuple[int, ...], like: Tensor) -> Tensor | None:
        if self.p <= 0.0:
            return None
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + chunk_index)
        keep = torch.rand(shape, generator=generator) >= self.p
        return keep.to(like.dtype) / (1.0 - self.p)


NO_DROPOUT = AttentionDropout()


def _scores(block, s_src, s_dst, slope, e0, e1):
    src = block.col[e0:e1]
    dst = block.row[e0:e1]
    raw = s_src[src] + s_dst[dst]  # [E_c, H]
    return src, dst, raw, F.leaky_relu(raw, slope)


def block_max(block: Block, s_src: Tensor, s_dst: Tensor, slope: float) -> Tensor:
    """``[num_dst, H]`` maximum score per destination (``-inf`` where no edges)."""
    heads = s_src.size(1)
    out = s_src.new_full((block.num_dst, heads), float("-inf"))
    counts = block.rowptr[1:] - block.rowptr[:-1]
    for r0, r1, e0, e1 in row_chunks(block, heads):
        if e1 > e0:
            _, _, _, e = _scores(block, s_src, s_dst, slope, e0, e1)
            out[r0:r1] = torch.segment_reduce(e, "max", lengths=counts[r0:r1], axis=0)
    return out


def block_sum(block: Block, s_src: Tensor, s_dst: Tensor, slope: float, m: Tensor) -> Tensor:
    """``[num_dst, H]`` normaliser ``sum_j exp(e_ij - m_i)`` over this block's edges."""
    z = torch.zeros_like(m)
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    for r0, r1, e0, e1 in row_chunks(block, s_src.size(1)):
        if e1 > e0:
            _, dst, _, e = _scores(block, s_src, s_dst, slope, e0, e1)
            z.index_add_(0, dst, torch.exp(e - m_safe[dst]))
    return z


def block_weighted(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    z: Tensor,
    dropout: AttentionDropout = NO_DROPOUT,
) -> Tensor:
    """``[num_dst, H, C]`` sum of ``alpha_ij v_j`` over this block's edges.

    ``m`` and ``z`` are the maximum and normaliser over *all* of a destination's edges,
    so the partial sums of several blocks add up to the final output.
    """
    heads, channels = value.size(1), value.size(2)
    out = value.new_zeros(block.num_dst, heads, channels)
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    z_safe = torch.where(z > 0, z, 1.0)
    for index, (r0, r1, e0, e1) in enumerate(row_chunks(block, heads * channels)):
        if e1 == e0:
            continue
        src, dst, _, e = _scores(block, s_src, s_dst, slope, e0, e1)
        alpha = torch.exp(e - m_safe[dst]) / z_safe[dst]
        keep = dropout.mask(index, tuple(alpha.shape), alpha)
        if keep is not None:
            alpha = alpha * keep
        out.index_add_(0, dst, alpha.unsqueeze(-1) * value[src])
    return out


def block_backward(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    z: Tensor,
    grad_out: Tensor,
    grad_dot_out: Tensor,
    dropout: AttentionDropout = NO_DROPOUT,
) -> tuple[Tensor, Tensor, Tensor]:
    """Recompute this block's attention and return its input gradients.

    Args:
        grad_out: ``[num_dst, H, C]`` gradient of the final output.
        grad_dot_out: ``[num_dst, H]`` ``(grad_out * out).sum(-1)`` of the final output.

    Returns:
        ``(grad_value [num_src, H, C], grad_s_src [num_src, H], grad_s_dst [num_dst, H])``.
    """
    heads, channels = value.size(1), value.size(2)
    grad_value = torch.zeros_like(value)
    grad_s_src = torch.zeros_like(s_src)
    grad_s_dst = torch.zeros_like(s_dst)
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    z_safe = torch.where(z > 0, z, 1.0)
    for index, (r0, r1, e0, e1) in enumerate(row_chunks(block, heads * channels)):
        if e1 == e0:
            continue
        src, dst, raw, e = _scores(block, s_src, s_dst, slope, e0, e1)
        alpha = torch.exp(e - m_safe[dst]) / z_safe[dst]  # [E_c, H]
        keep = dropout.mask(index, tuple(alpha.shape), alpha)
        g = grad_out[dst]  # [E_c, H, C]
        g_dot_v = (g * value[src]).sum(-1)  # [E_c, H]
        kept = alpha if keep is None else alpha * keep
        grad_value.index_add_(0, src, kept.unsqueeze(-1) * g)
        d_alpha = g_dot_v if keep is None else g_dot_v * keep
        d_e = alpha * (d_alpha - grad_dot_out[dst])
        d_raw = torch.where(raw > 0, d_e, d_e * slope)
        grad_s_src.index_add_(0, src, d_raw)
        grad_s_dst.index_add_(0, dst, d_raw)
    return grad_value, grad_s_src, grad_s_dst


class _Attention(torch.autograd.Function):
    @staticmethod
    def forward(ctx, value, s_src, s_dst, block, slope, dropout):
        m = block_max(block, s_src, s_dst, slope)
        z = block_sum(block, s_src, s_dst, slope, m)
        out = block_weighted(block, value, s_src, s_dst, slope, m, z, dropout)
        ctx.block, ctx.slope, ctx.dropout = block, slope, dropout
        ctx.save_for_backward(value, s_src, s_dst, m, z, out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        value, s_src, s_dst, m, z, out = ctx.saved_tensors
        grad_out = grad_out.contiguous()
        grad_dot_out = (grad_out * out).sum(-1)
        grads = block_backward(
            ctx.block, value, s_src, s_dst, ctx.slope, m, z, grad_out, grad_dot_out,
            ctx.dropout,
        )
        return (*grads, None, None, None)


def attention_aggregate(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    negative_slope: float = 0.2,
    dropout: AttentionDropout = NO_DROPOUT,
) -> Tensor:
    """Attention-weighted sum of source values with softmax over each destination's edges.

    Args:
        block (Block): the edges (add self-loops beforehand if the model needs them).
        value (Tensor): ``[num_src, H, C]`` per-head source values.
        s_src (Tensor): ``[num_src, H]`` source score terms.
        s_dst (Tensor): ``[num_dst, H]`` destination score terms.
        negative_slope (float): LeakyReLU slope. (default: ``0.2``)
        dropout (AttentionDropout): attention dropout. (default: none)

    Shapes:
        output ``[num_dst, H, C]``; rows without incoming edges are 0.
    """
    if value.dim() != 3 or s_src.shape != value.shape[:2]:
        raise ValueError(
            "value must be [num_src, H, C] and s_src [num_src, H], got "
            f"{list(value.shape)} and {list(s_src.shape)}"
        )
    return _Attention.apply(value, s_src, s_dst, block, negative_slope, dropout)
