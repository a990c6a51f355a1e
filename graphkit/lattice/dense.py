"""Exact dense Gaussian filtering (global Gaussian attention) for small point sets.

.. math::
    y_i = \\frac{\\sum_j k_{ij} v_j}{\\sum_j k_{ij}}, \\qquad
    k_{ij} = \\exp\\!\\big(-\\tfrac{1}{2}\\lVert p_i - p_j \\rVert^2\\big)

It forms the ``n x n`` kernel matrix, so time is ``O(n^2 (d + c))`` and memory
``O(n^2)``; it is the reference for the lattice filter in tests and benchmarks.
"""

from __future__ import annotations

import torch
from torch import Tensor

#: Default memory budget of :func:`dense_gaussian_filter`, in bytes.
DEFAULT_BUDGET_BYTES = 3 * 2**30

#: Number of ``n x n`` matrices alive at the peak of forward plus backward with
#: gradients for positions and values. The value is measured, not derived. The peak
#: resident memory of one pass grew by 20.0 to 20.9 bytes per n^2 in float32 for
#: n = 2000 to 8000 (torch 2.13 CPU, ``benchmarks/pgcn_scaling.py --dense-memory``),
#: which is five float32 matrices.
_MATRICES_AT_PEAK = 5


class DenseBudgetError(MemoryError):
    """The dense reference would need more memory than its budget allows."""


def dense_memory_bytes(n: int, dtype: torch.dtype = torch.float32) -> int:
    """Estimated peak memory of a forward and backward pass over ``n`` points."""
    return _MATRICES_AT_PEAK * n * n * torch.finfo(dtype).bits // 8


def dense_gaussian_filter(
    positions: Tensor,
    values: Tensor,
    normalize: bool = True,
    budget_bytes: int = DEFAULT_BUDGET_BYTES,
) -> Tensor:
    """Exact Gaussian filter of ``values`` ``[n, c]`` at ``positions`` ``[n, d]``.

    Differentiable by autograd with respect to both inputs.

    Args:
        positions (Tensor): ``[n, d]`` positions in units of the standard deviation.
        values (Tensor): ``[n, c]`` values.
        normalize (bool): divide by the kernel row sums. (default: ``True``)
        budget_bytes (int): raise :class:`DenseBudgetError` instead of allocating when
            :func:`dense_memory_bytes` exceeds it. (default: 3 GiB)
    """
    if positions.dim() != 2 or not positions.is_floating_point():
        raise ValueError(
            f"positions must be a floating-point [n, d] tensor, got shape "
            f"{tuple(positions.shape)} and dtype {positions.dtype}"
        )
    n = positions.size(0)
    if values.dim() != 2 or values.size(0) != n:
        raise ValueError(
            f"values must be [n, c] with one row per position ({n}), got shape "
            f"{tuple(values.shape)}"
        )
    if values.dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"values must be float32 or float64, like those of the lattice filter, got "
            f"{values.dtype}. Convert them with values.float()"
        )
    # cdist has no 16-bit CPU kernel, so such positions are compared in float32.
    positions = positions.to(torch.promote_types(positions.dtype, torch.float32))
    needed = dense_memory_bytes(n, positions.dtype)
    if needed > budget_bytes:
        raise DenseBudgetError(
            f"dense Gaussian filter of {n} points needs about {needed / 2**30:.1f} GiB, "
            f"over the budget of {budget_bytes / 2**30:.1f} GiB; use the lattice filter "
            f"(graphkit.lattice.gaussian_filter) or raise budget_bytes"
        )
    # The matrix-product form of cdist, ||p||^2 + ||q||^2 - 2 p.q, cancels badly for
    # positions far from the origin (off by about 1 at an offset of 1000 in float32), so
    # the distances are taken from coordinate differences at the same peak memory.
    squared = torch.cdist(
        positions, positions, compute_mode="donot_use_mm_for_euclid_dist"
    ).square()
    # The output takes the values' dtype, as in the lattice filter.
    kernel = torch.exp(-0.5 * squared).to(values.dtype)
    out = kernel @ values
    if normalize:
        out = out / kernel.sum(1, keepdim=True)
    return out
