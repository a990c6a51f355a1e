"""Linear aggregation ``out = A x`` with a cached transpose for the backward pass.

For fixed edge values ``A[i, j] = w_ij`` (sum: 1, mean: ``1 / deg(i)``, GCN:
``1 / sqrt(deg(i) deg(j))``) the aggregation is linear in ``x``, so

.. math::
    \\mathrm{out} = A x, \\qquad \\frac{\\partial L}{\\partial x} = A^\\top
    \\frac{\\partial L}{\\partial \\mathrm{out}}

and the backward pass is one more sparse product with the transpose, built once per
block and per set of values (``key``). Nothing is converted or stored per step.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.block import Block
from graphkit.ops.shapes import as_matrix


class _SpMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor, block: Block, values: Tensor | None, key: str) -> Tensor:
        ctx.block, ctx.values, ctx.key = block, values, key
        ctx.x_shape = x.shape
        matrix = block.csr(values, key, dtype=x.dtype)
        # Autocast would run the product in its lower precision, which torch 2.13's
        # CPU kernel for sparse CSR products lacks ("addmm_out_sparse_csr_impl_mkl" not
        # implemented for 'BFloat16'). It runs in x's dtype, as PyG's scatter does.
        with torch.autocast(x.device.type, enabled=False):
            return matrix @ as_matrix(x).contiguous()

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        block: Block = ctx.block
        matrix_t = block.csr_t(ctx.values, ctx.key, dtype=grad_out.dtype)
        # The product has the matrix shape [num_src, prod(F)], but autograd needs the
        # gradient in the shape of x, such as [N] or [N, H, C].
        with torch.autocast(grad_out.device.type, enabled=False):
            grad_x = matrix_t @ grad_out.contiguous()
        return grad_x.reshape(ctx.x_shape), None, None, None


def spmm(block: Block, x: Tensor, values: Tensor | None = None, key: str = "ones") -> Tensor:
    """Compute ``A x`` for the block's adjacency ``A[dst, src]`` with fixed edge values.

    Args:
        block (Block): the edges; ``x`` holds one row per source node.
        x (Tensor): ``[num_src, *]`` source features (trailing dims are flattened and
            restored).
        values (Tensor, optional): ``[E]`` edge values in block order; ones if omitted.
            They are treated as constants (no gradient).
        key (str): cache name of ``values``; the same key must always mean the same
            values for this block.

    Shapes:
        ``x``: ``[num_src, *F]`` -> output ``[num_dst, *F]``.
    """
    if x.size(0) != block.num_src:
        raise ValueError(
            f"x has {x.size(0)} rows but the block has {block.num_src} source nodes"
        )
    out = _SpMM.apply(x, block, values, key)
    return out.reshape(block.num_dst, *x.shape[1:])
