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
:func:`block_sum_weighted`, :func:`block_backward`) let a destination's neighbours be
spread over several blocks: the distributed graph combines per-block maxima with
``torch.maximum`` and adds the normalisers after rescaling, exactly as the single-block
function does.
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

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"attention dropout p must lie in [0, 1], got {self.p}")

    def mask(self, chunk_index: int, shape: tuple[int, ...], like: Tensor) -> Tensor | None:
        if self.p <= 0.0:
            return None
        if self.p >= 1.0:
            # Drop every edge, as torch.nn.functional.dropout does for p = 1, because
            # the scaled mask below would divide zero by zero.
            return like.new_zeros(shape)
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + chunk_index)
        # The mask is drawn on the CPU, so it is the same on every device and can be
        # regenerated.
        keep = torch.rand(shape, generator=generator) >= self.p
        return keep.to(like.device, like.dtype) / (1.0 - self.p)


NO_DROPOUT = AttentionDropout()


@dataclass(frozen=True)
class _Chunk:
    """One chunk of destination rows as CSR, with the structure of its transpose."""

    r0: int
    r1: int
    rowptr: Tensor  # [rows + 1], offsets relative to the chunk's first edge
    col: Tensor  # [E_c] source of each edge
    row: Tensor  # [E_c] destination of each edge, relative to r0
    lengths: Tensor  # [rows] in-degree of each row
    order_t: Tensor  # [E_c] edge order sorted by source
    rowptr_t: Tensor  # [num_src + 1] offsets of the transpose
    row_t: Tensor  # [E_c] destination of each edge in transpose order
    rowptr_u: Tensor  # CSR of the distinct (dst, src) pairs, sorted by source per row
    col_u: Tensor
    pair: Tensor  # [E_c] index of each edge's pair in (rowptr_u, col_u)

    def csr(self, values: Tensor, num_src: int) -> Tensor:
        return torch.sparse_csr_tensor(
            self.rowptr, self.col, values, (self.r1 - self.r0, num_src), check_invariants=False
        )

    def csr_t(self, values: Tensor, num_src: int) -> Tensor:
        return torch.sparse_csr_tensor(
            self.rowptr_t, self.row_t, _rows(values, self.order_t), (num_src, self.r1 - self.r0),
            check_invariants=False,
        )


# Chunk sizes round the head count up to 4, so layers with 1 to 4 heads (the hidden
# layers and the one-head output layer of a GAT) share one cached structure per block.
_CHUNK_HEADS = 4
# The backward pass keeps several [E_c, H] tensors alive at once (scores, weights,
# products and their gradients), so a chunk gets a quarter of the element budget.
_LIVE_EDGE_TENSORS = 4


def _chunks(block: Block, heads: int) -> list[_Chunk]:
    """Split ``block`` into row chunks, built once and cached in the block.

    Each chunk has about ``CHUNK_ELEMENTS / (4 max(heads, 4))`` edges. The transpose
    structure of each chunk is built once, like the block's own CSC, so the backward
    pass converts nothing per step. Indices that only address the chunk or the block's
    sources are int32, which halves the cached structure.
    """
    width = max(heads, _CHUNK_HEADS) * _LIVE_EDGE_TENSORS
    key = ("attention_chunks", width, len(row_chunks(block, width)))
    if key not in block._cache:
        block._cache[key] = [
            _build_chunk(block, r0, r1, e0, e1)
            for r0, r1, e0, e1 in row_chunks(block, width)
        ]
    return block._cache[key]


def _build_chunk(block: Block, r0: int, r1: int, e0: int, e1: int) -> _Chunk:
    # NOTE: int32 indices assume fewer than 2**31 sources, rows and edges per chunk.
    index = torch.int32
    num_src, device = block.num_src, block.col.device
    col = block.col[e0:e1]
    row = block.row[e0:e1] - r0
    order_t = torch.argsort(col, stable=True)
    unique, pair = torch.unique(row * num_src + col, return_inverse=True)
    rowptr_u = torch.zeros(r1 - r0 + 1, dtype=index, device=device)
    torch.cumsum(torch.bincount(unique // num_src, minlength=r1 - r0), 0, out=rowptr_u[1:])
    rowptr_t = torch.zeros(num_src + 1, dtype=index, device=device)
    torch.cumsum(torch.bincount(col, minlength=num_src), 0, out=rowptr_t[1:])
    row_t = _rows(row, order_t).to(index)
    return _Chunk(
        r0,
        r1,
        block.rowptr[r0 : r1 + 1] - e0,
        col,
        row.to(index),
        block.rowptr[r0 + 1 : r1 + 1] - block.rowptr[r0:r1],
        order_t.to(index),
        rowptr_t,
        row_t,
        rowptr_u,
        (unique % num_src).to(index),
        pair.to(index),
    )


def _rows(table: Tensor, index: Tensor) -> Tensor:
    """Return ``table[index]`` for a 1-D ``index``, with ``index_select``.

    It gathers per-edge values and narrow ``[N, H]`` score rows faster than advanced
    indexing on CPU. With torch 2.13, 1,038,000 rows of 4 float32 values took 4.9
    against 17.9 ms, and as many single values 4.8 against 15.1 ms.
    """
    return table.index_select(0, index)


def _scores(chunk: _Chunk, s_src: Tensor, s_dst: Tensor, slope: float):
    raw = _rows(s_src, chunk.col) + _rows(s_dst[chunk.r0:chunk.r1], chunk.row)  # [E_c, H]
    return raw, F.leaky_relu(raw, slope)


def per_head(value: Tensor) -> list[Tensor]:
    """``[N, H, C]`` -> H contiguous ``[N, C]`` matrices for sparse products."""
    return list(value.transpose(0, 1).contiguous().unbind(0))


def _head(t: Tensor, h: int) -> Tensor:
    """Copy head ``h`` of an ``[N, H, C]`` tensor into a contiguous ``[N, C]`` tensor.

    With one head and a contiguous ``t``, this returns a view and copies nothing.
    """
    return t[:, h].contiguous()


# torch.sparse.sampled_addmm (torch 2.13) has kernels for float32, float64 and complex
# types only, on the CPU and on CUDA, so half-precision products run in float32.
_SAMPLED_IN_FLOAT32 = (torch.float16, torch.bfloat16)


def sampled_values(pattern: Tensor, left: Tensor, right: Tensor) -> Tensor:
    """Return ``(left @ right)[i, j]`` at the nonzeros ``(i, j)`` of CSR ``pattern``.

    The values follow the order of ``pattern`` and the dtype of ``left``. The values of
    ``pattern`` are ignored.
    """
    if left.dtype not in _SAMPLED_IN_FLOAT32:
        return torch.sparse.sampled_addmm(pattern, left, right, beta=0.0).values()
    sampled = torch.sparse.sampled_addmm(
        pattern.to(torch.float32), left.float(), right.float(), beta=0.0
    )
    return sampled.values().to(left.dtype)


def _weighted_sum(chunk, alpha, value, num_src, out, accumulate=False) -> None:
    """Compute ``out[r0:r1, h] = A_h v_h`` (or ``+=``) with ``A_h[i, j] = alpha_ij``.

    It runs one SpMM per head. Each head's values are copied for its product only, so
    no second ``[N, H, C]`` copy of ``value`` is held.
    """
    for h in range(value.size(1)):
        product = chunk.csr(alpha[:, h].contiguous(), num_src) @ _head(value, h)
        if accumulate:
            out[chunk.r0:chunk.r1, h] += product
        else:
            out[chunk.r0:chunk.r1, h] = product


def block_max(block: Block, s_src: Tensor, s_dst: Tensor, slope: float) -> Tensor:
    """``[num_dst, H]`` maximum score per destination (``-inf`` where no edges)."""
    out = s_src.new_full((block.num_dst, s_src.size(1)), float("-inf"))
    for chunk in _chunks(block, s_src.size(1)):
        if chunk.col.numel():
            _, e = _scores(chunk, s_src, s_dst, slope)
            out[chunk.r0:chunk.r1] = torch.segment_reduce(e, "max", lengths=chunk.lengths)
    return out


def block_sum(block: Block, s_src: Tensor, s_dst: Tensor, slope: float, m: Tensor) -> Tensor:
    """``[num_dst, H]`` normaliser ``sum_j exp(e_ij - m_i)`` over this block's edges."""
    z = torch.zeros_like(m)
    for _, chunk, shifted in _shifted_exponentials(block, s_src, s_dst, slope, m):
        z[chunk.r0:chunk.r1] = torch.segment_reduce(shifted, "sum", lengths=chunk.lengths)
    return z


def _shifted_exponentials(
    block: Block, s_src: Tensor, s_dst: Tensor, slope: float, m: Tensor
):
    """Yield ``(index, chunk, exp(e_ij - m_i))`` for each chunk of ``block`` with edges.

    ``index`` numbers all chunks, as the dropout masks do. An infinite ``m_i`` is
    replaced by 0, so that a destination without edges gives no NaN.
    """
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    for index, chunk in enumerate(_chunks(block, s_src.size(1))):
        if chunk.col.numel():
            _, e = _scores(chunk, s_src, s_dst, slope)
            yield index, chunk, torch.exp(e - _rows(m_safe[chunk.r0:chunk.r1], chunk.row))


def _alpha(chunk, e, m_safe, z_safe, dropout, index):
    alpha = torch.exp(e - _rows(m_safe[chunk.r0:chunk.r1], chunk.row)) / _rows(
        z_safe[chunk.r0:chunk.r1], chunk.row
    )
    keep = dropout.mask(index, tuple(alpha.shape), alpha)
    return alpha, keep


def block_weighted(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    z: Tensor,
    dropout: AttentionDropout = NO_DROPOUT,
    out: Tensor | None = None,
) -> Tensor:
    """``[num_dst, H, C]`` sum of ``alpha_ij v_j`` over this block's edges.

    ``m`` and ``z`` are the maximum and normaliser over *all* of a destination's edges,
    so the partial sums of several blocks add up to the final output. Given ``out``
    (``[num_dst, H, C]``), the sum is added to it in place and ``out`` is returned, so
    a caller that accumulates blocks allocates no output per block.
    """
    heads = value.size(1)
    accumulate = out is not None
    if out is None:
        out = value.new_zeros(block.num_dst, heads, value.size(2))
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    z_safe = torch.where(z > 0, z, 1.0)
    for index, chunk in enumerate(_chunks(block, heads)):
        if chunk.col.numel():
            _, e = _scores(chunk, s_src, s_dst, slope)
            alpha, keep = _alpha(chunk, e, m_safe, z_safe, dropout, index)
            kept = alpha if keep is None else alpha * keep
            _weighted_sum(chunk, kept, value, block.num_src, out, accumulate)
    return out


def block_sum_weighted(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    out: Tensor,
    dropout: AttentionDropout = NO_DROPOUT,
) -> Tensor:
    """Add this block's unnormalised sum to ``out`` and return its normaliser.

    For the running maximum :math:`m_i`, one pass over the edges computes

    .. math::
        z_i = \\sum_j \\exp(e_{ij} - m_i), \\qquad
        \\mathrm{out}_i \\mathrel{+}= \\sum_j \\delta_{ij} \\exp(e_{ij} - m_i) v_j

    with the dropout mask :math:`\\delta`. It returns the values of
    :func:`block_sum` and adds those of :func:`block_weighted` with ``z`` all ones,
    bit for bit, but computes the scores and the exponentials once instead of twice.
    The distributed online softmax divides by the total normaliser only at the end.
    """
    z = torch.zeros_like(m)
    for index, chunk, shifted in _shifted_exponentials(block, s_src, s_dst, slope, m):
        z[chunk.r0:chunk.r1] = torch.segment_reduce(shifted, "sum", lengths=chunk.lengths)
        keep = dropout.mask(index, tuple(shifted.shape), shifted)
        kept = shifted if keep is None else shifted * keep
        _weighted_sum(chunk, kept, value, block.num_src, out, accumulate=True)
    return z


def block_forward(
    block: Block, value: Tensor, s_src: Tensor, s_dst: Tensor, slope: float,
    dropout: AttentionDropout = NO_DROPOUT,
) -> tuple[Tensor, Tensor, Tensor]:
    """Fused single-block forward: ``(out, m, z)`` in one pass over the edges.

    Every destination's edges lie in one chunk, so the chunk computes the complete
    maximum and normaliser before weighting the values.
    """
    heads = value.size(1)
    out = value.new_zeros(block.num_dst, heads, value.size(2))
    m = s_src.new_full((block.num_dst, heads), float("-inf"))
    z = s_src.new_zeros((block.num_dst, heads))
    for index, chunk in enumerate(_chunks(block, heads)):
        if not chunk.col.numel():
            continue
        _, e = _scores(chunk, s_src, s_dst, slope)
        m_c = torch.segment_reduce(e, "max", lengths=chunk.lengths)
        m_c = torch.where(torch.isinf(m_c), 0.0, m_c)
        shifted = torch.exp(e - _rows(m_c, chunk.row))
        z_c = torch.segment_reduce(shifted, "sum", lengths=chunk.lengths)
        m[chunk.r0:chunk.r1], z[chunk.r0:chunk.r1] = m_c, z_c
        alpha = shifted / _rows(torch.where(z_c > 0, z_c, 1.0), chunk.row)
        keep = dropout.mask(index, tuple(alpha.shape), alpha)
        _weighted_sum(chunk, alpha if keep is None else alpha * keep, value,
                      block.num_src, out)
    return out, m, z


def block_backward(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    z: Tensor,
    grad_out: Tensor,
    grad_dot_out: Tensor | None,
    dropout: AttentionDropout = NO_DROPOUT,
    heads_grad: list[Tensor] | None = None,
    grad_value: Tensor | None = None,
    totals: tuple[Tensor, Tensor] | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Recompute this block's attention and return its input gradients.

    Sparse products do the per-edge work: ``A_h^T g_h`` for the value gradient and the
    sampled product ``(g_h v_h^T)[i, j]`` on the edges for ``g_i . v_j``.

    Without the output, ``grad_dot_out`` (:math:`D_i = g_i \\cdot \\mathrm{out}_i`) is
    not known yet. In that case, pass ``grad_dot_out=None`` and ``totals=(dot, mass)``.
    The score gradients then leave out the :math:`-\\alpha_{ij} D_i` term of
    :math:`\\partial L / \\partial e_{ij}`. The block adds
    :math:`\\sum_j \\alpha_{ij} \\delta_{ij} (g_i \\cdot v_j)` to ``dot``, where ``delta``
    is the dropout mask. It adds :math:`\\sum_j \\lambda_{ij} \\alpha_{ij}` to ``mass``,
    where :math:`\\lambda_{ij}` is the LeakyReLU slope at edge ``ij``. Once every block has
    added its share, ``dot`` equals ``grad_dot_out``. The caller then subtracts
    ``dot * mass`` from ``grad_s_dst`` and :func:`block_dot_correction` from each
    block's ``grad_s_src``.

    Args:
        grad_out: ``[num_dst, H, C]`` gradient of the final output.
        grad_dot_out: ``[num_dst, H]`` ``(grad_out * out).sum(-1)`` of the final
            output, or ``None`` to accumulate it in ``totals``.
        heads_grad: ``grad_out`` split per head (``per_head``), when the caller
            already has it. (default: each chunk copies its rows per head)
        grad_value: ``[num_src, H, C]`` tensor the value gradient is added to in place
            (and returned). (default: a new zero tensor)
        totals: two ``[num_dst, H]`` tensors ``(dot, mass)`` added to in place.
            Required when ``grad_dot_out`` is ``None``.

    Returns:
        ``(grad_value [num_src, H, C], grad_s_src [num_src, H], grad_s_dst [num_dst, H])``.
    """
    heads = value.size(1)
    if grad_dot_out is None and totals is None:
        raise ValueError(
            "totals is missing but grad_dot_out is None. Pass totals=(dot, mass), two "
            "[num_dst, H] tensors that the blocks add to, or pass grad_dot_out."
        )
    if grad_value is None:
        grad_value = torch.zeros_like(value)
    grad_s_src = torch.zeros_like(s_src)
    grad_s_dst = torch.zeros_like(s_dst)
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    z_safe = torch.where(z > 0, z, 1.0)
    for index, chunk in enumerate(_chunks(block, heads)):
        if not chunk.col.numel():
            continue
        raw, e = _scores(chunk, s_src, s_dst, slope)
        alpha, keep = _alpha(chunk, e, m_safe, z_safe, dropout, index)
        kept = alpha if keep is None else alpha * keep
        g_dot_v = _value_backward(
            chunk, alpha, kept, value, grad_out, heads_grad, grad_value, block.num_src
        )
        d_alpha = g_dot_v if keep is None else g_dot_v * keep
        d_e = _score_gradient(chunk, alpha, d_alpha, raw, slope, grad_dot_out, totals)
        d_raw = torch.where(raw > 0, d_e, d_e * slope)
        grad_s_src.index_add_(0, chunk.col, d_raw)
        grad_s_dst[chunk.r0:chunk.r1] += torch.segment_reduce(d_raw, "sum", lengths=chunk.lengths)
    return grad_value, grad_s_src, grad_s_dst


def _value_backward(
    chunk: _Chunk,
    alpha: Tensor,
    kept: Tensor,
    value: Tensor,
    grad_out: Tensor,
    heads_grad: list[Tensor] | None,
    grad_value: Tensor,
    num_src: int,
) -> Tensor:
    """Add the chunk's value gradient in place and return ``g_i . v_j`` per edge."""
    g_dot_v = torch.empty_like(alpha)
    # Sampled products need distinct, sorted entries: use the chunk's distinct pairs
    # (duplicate edges share scores, so they share g_i . v_j too).
    pattern = torch.sparse_csr_tensor(
        chunk.rowptr_u, chunk.col_u, alpha.new_zeros(chunk.col_u.numel()),
        (chunk.r1 - chunk.r0, num_src), check_invariants=False,
    )
    for h in range(value.size(1)):
        if heads_grad is None:
            g_h = grad_out[chunk.r0:chunk.r1, h].contiguous()
        else:
            g_h = heads_grad[h][chunk.r0:chunk.r1]
        grad_value[:, h] += chunk.csr_t(kept[:, h].contiguous(), num_src) @ g_h
        v_h = _head(value, h)
        g_dot_v[:, h] = _rows(sampled_values(pattern, g_h, v_h.t()), chunk.pair)
        del v_h
    return g_dot_v


def _score_gradient(
    chunk: _Chunk,
    alpha: Tensor,
    d_alpha: Tensor,
    raw: Tensor,
    slope: float,
    grad_dot_out: Tensor | None,
    totals: tuple[Tensor, Tensor] | None,
) -> Tensor:
    """Return the score gradients, adding to ``totals`` if ``grad_dot_out`` is None."""
    if grad_dot_out is None:
        d_e = alpha * d_alpha
        dot, mass = totals
        dot[chunk.r0:chunk.r1] += torch.segment_reduce(d_e, "sum", lengths=chunk.lengths)
        slopes = torch.where(raw > 0, alpha, alpha * slope)
        mass[chunk.r0:chunk.r1] += torch.segment_reduce(
            slopes, "sum", lengths=chunk.lengths
        )
    else:
        d_e = alpha * (d_alpha - _rows(grad_dot_out[chunk.r0:chunk.r1], chunk.row))
    return d_e


def block_dot_correction(
    block: Block,
    s_src: Tensor,
    s_dst: Tensor,
    slope: float,
    m: Tensor,
    z: Tensor,
    dot: Tensor,
) -> Tensor:
    """Compute the ``[num_src, H]`` term :math:`\\sum_i \\lambda_{ij} \\alpha_{ij} D_i`.

    It is the part of the source score gradient that :func:`block_backward` leaves
    out when called with ``grad_dot_out=None``, and the caller subtracts it. ``dot`` is
    the complete :math:`D = g \\cdot \\mathrm{out}` (``[num_dst, H]``), and
    :math:`\\lambda_{ij}` is the LeakyReLU slope at edge ``ij``. The term needs only the
    scores, not the values.
    """
    correction = torch.zeros_like(s_src)
    m_safe = torch.where(torch.isinf(m), 0.0, m)
    z_safe = torch.where(z > 0, z, 1.0)
    for chunk in _chunks(block, s_src.size(1)):
        if not chunk.col.numel():
            continue
        raw, e = _scores(chunk, s_src, s_dst, slope)
        alpha, _ = _alpha(chunk, e, m_safe, z_safe, NO_DROPOUT, 0)
        weighted = alpha * _rows(dot[chunk.r0:chunk.r1], chunk.row)
        correction.index_add_(0, chunk.col, torch.where(raw > 0, weighted, weighted * slope))
    return correction


class _Attention(torch.autograd.Function):
    @staticmethod
    def forward(ctx, value, s_src, s_dst, block, slope, dropout):
        out, m, z = block_forward(block, value, s_src, s_dst, slope, dropout)
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

    A head of a destination whose in-edge scores are all ``-inf`` outputs 0 and passes
    zero gradients, the same as a destination without in-edges. A ``-inf`` score
    excludes its edge, so excluding every edge leaves nothing to average. The plain
    path does the same, while ``torch.softmax`` and PyG's ``softmax`` give NaN there.
    """
    if value.dim() != 3 or s_src.shape != value.shape[:2]:
        raise ValueError(
            "value must be [num_src, H, C] and s_src [num_src, H], got "
            f"{list(value.shape)} and {list(s_src.shape)}"
        )
    return _Attention.apply(value, s_src, s_dst, block, negative_slope, dropout)
