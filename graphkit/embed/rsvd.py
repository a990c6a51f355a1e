"""Randomized truncated SVD of an implicit matrix, using only ``M @ V`` and ``M^T @ V``.

Method: randomized subspace iteration (Halko, Martinsson and Tropp, "Finding structure
with randomness", SIAM Review 2011, Algorithms 4.4 and 5.1), as used by implicit SVD
(Abu-El-Haija et al., NeurIPS 2021). For an r x c matrix M (r >= c, otherwise M^T is
decomposed and the factors swapped), target rank k and w = k + p columns:

.. math::
    \\Omega \\sim \\mathcal{N}(0, 1)^{c \\times w}, \\qquad
    \\text{repeat } q \\text{ times: } Y = M\\,\\mathrm{orth}(\\Omega),\\;
    \\Omega = M^\\top \\mathrm{orth}(Y)

    Q = \\mathrm{orth}(M\\,\\mathrm{orth}(\\Omega)), \\qquad
    B = (M^\\top Q)^\\top = \\hat U S V^\\top, \\qquad U = Q \\hat U

and the first k singular triplets are returned. Re-orthonormalising before every
product keeps the columns from collapsing onto the top singular vector. Signs are
fixed so that the largest-magnitude entry of every column of U is positive (the
convention of scikit-learn's ``svd_flip``), which makes the result deterministic for
a given random seed and comparable across runs.
"""

from __future__ import annotations

import logging
import numbers
import time
from collections.abc import Callable

import torch
from torch import Tensor

from graphkit.embed.implicit import ImplicitMatrix
from graphkit.embed.memory_budget import check_sketch_memory
from graphkit.whole_numbers import WrongTypeError

logger = logging.getLogger(__name__)


def check_finite(block: Tensor) -> None:
    """Raise a ValueError if a product with the matrix contains NaN or infinity."""
    if not bool(torch.isfinite(block).all()):
        largest = torch.finfo(block.dtype).max
        raise ValueError(
            "the products with the implicit matrix contain NaN or infinite values. "
            "Either the matrix has non-finite entries or its products exceed the "
            f"largest {str(block.dtype).removeprefix('torch.')} value {largest:.3g}. "
            "Check the leaves' data (features, edge weights, coefficients) for NaN "
            "and infinity, or build the leaves in float64 or scale them down"
        )


def orthonormalize_qr(block: Tensor) -> Tensor:
    """Return an orthonormal basis of the columns of ``block`` by Householder QR."""
    return torch.linalg.qr(block, mode="reduced").Q


def orthonormalize_cholesky(block: Tensor) -> Tensor:
    """Return ``X L^{-T}`` with ``L L^T = X^T X`` (Cholesky-QR) for unit-column ``X``.

    Faster than Householder QR for tall blocks, but fails when the columns are
    numerically dependent.
    """
    # Without this check a NaN block would be reported as linearly dependent.
    check_finite(block)
    tiny = torch.finfo(block.dtype).tiny
    # Each column is divided by its largest |entry| before its norm is taken, because
    # Tensor.norm squares the entries unscaled (torch 2.13 on CPU). In float32, a column
    # with entries past about 1e19 would otherwise get an infinite norm and be
    # reported as linearly dependent.
    peaks = block.abs().amax(dim=0, keepdim=True).clamp_min(tiny)
    scaled = block / peaks
    unit = scaled / scaled.norm(dim=0, keepdim=True).clamp_min(tiny)
    gram = unit.T @ unit
    factor, info = torch.linalg.cholesky_ex(gram)
    if int(info) != 0 or not torch.isfinite(factor).all():
        raise ValueError(
            f"Cholesky-QR failed on a {tuple(block.shape)} block: its columns are "
            f"numerically linearly dependent (leading minor {int(info)} is not positive). "
            "Use orthonormalizer='qr', a lower rank or less oversampling."
        )
    # Solve L Z = X^T for Z, then Q = Z^T = X L^{-T}.
    return torch.linalg.solve_triangular(factor, unit.T, upper=False).T


def small_svd(block: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Return the thin SVD ``(U, S, V^T)`` of the small projected matrix ``block``.

    Raises:
        ValueError: If ``block`` contains NaN or infinite values, which come from the
            matrix's own entries or from products that overflow its dtype.
    """
    check_finite(block)
    try:
        return torch.linalg.svd(block, full_matrices=False)
    except torch.linalg.LinAlgError:
        if block.dtype == torch.float64:
            raise
    # LAPACK's divide-and-conquer SVD can fail to converge on ill-conditioned float32
    # input, so the block gets one more try with the extra precision of float64.
    logger.warning(
        "the float32 SVD of a %d x %d block failed to converge; retrying in float64",
        *block.shape,
    )
    u, s, vh = torch.linalg.svd(block.double(), full_matrices=False)
    return u.to(block.dtype), s.to(block.dtype), vh.to(block.dtype)


ORTHONORMALIZERS: dict[str, Callable[[Tensor], Tensor]] = {
    "qr": orthonormalize_qr,
    "cholesky": orthonormalize_cholesky,
}


def flip_signs(u: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Flip singular-vector pairs so that each column of ``u`` has a positive max-|.| entry."""
    rows = u.abs().argmax(dim=0)
    signs = torch.sign(u[rows, torch.arange(u.shape[1], device=u.device)])
    signs[signs == 0] = 1
    return u * signs, v * signs


def randomized_svd(
    matrix: ImplicitMatrix,
    rank: int,
    oversample: int | None = None,
    n_iter: int = 10,
    orthonormalizer: str = "qr",
    seed: int | None = 0,
    timings: dict[str, float] | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Compute the rank-``rank`` truncated SVD :math:`M \\approx U\\,\\mathrm{diag}(S)\\,V^\\top`.

    Args:
        matrix (ImplicitMatrix): the matrix, only multiplied by thin blocks.
        rank (int): number k of singular triplets, ``1 <= k <= min(rows, columns)``.
        oversample (int, optional): extra columns p of the sketch; ``min(k, 30)`` by
            default, and cut so that ``k + p <= min(rows, columns)``.
        n_iter (int, optional): power iterations q, each one product with M and one
            with M^T. (default: ``10``)
        orthonormalizer (str, optional): ``"qr"`` (Householder) or ``"cholesky"``
            (Cholesky-QR). (default: ``"qr"``)
        seed (int, optional): seed of the Gaussian sketch; ``None`` uses torch's global
            generator. (default: ``0``)
        timings (dict, optional): receives ``"products"`` (seconds inside products with
            M and M^T) and ``"svd"`` (all other seconds of this call), added to any
            values already there.

    Returns:
        ``(U, S, V)`` with shapes ``(rows, k)``, ``(k,)``, ``(columns, k)``; S is
        non-increasing.
    """
    _check_arguments(matrix, rank, oversample, n_iter, orthonormalizer, seed)
    orth = ORTHONORMALIZERS[orthonormalizer]
    rows, columns = matrix.shape
    oversample = min(rank, 30) if oversample is None else oversample
    width = min(rank + oversample, min(rows, columns))
    check_sketch_memory(matrix.shape, width, matrix.dtype, matrix.device)

    # A tall operator keeps the orthonormal blocks on the larger side.
    transposed = rows < columns
    op = matrix.T if transposed else matrix
    clock = _ProductClock()
    omega = _gaussian_sketch(op, width, seed)
    basis = _range_basis(op, omega, n_iter, orth, clock.multiply)
    u, s, v = _top_triplets(op, basis, rank, clock.multiply)
    if transposed:
        u, v = v, u
    u, v = flip_signs(u, v)
    _report_seconds(clock, matrix.shape, rank, width, n_iter, timings)
    return u.contiguous(), s.contiguous(), v.contiguous()


def _check_arguments(
    matrix: ImplicitMatrix,
    rank: int,
    oversample: int | None,
    n_iter: int,
    orthonormalizer: str,
    seed: int | None = None,
) -> None:
    """Raise for an unsupported dtype, a non-int count or a value out of range."""
    if matrix.dtype not in (torch.float32, torch.float64):
        # Complex input would need the conjugate transpose, which ``matrix.T`` is not,
        # and torch's QR has no 16-bit or integer kernels.
        raise ValueError(
            f"randomized_svd supports float32 and float64 matrices, got {matrix.dtype}. "
            "Build the leaves from float32 or float64 tensors"
        )
    _check_integers(rank, n_iter, oversample)
    _check_ranges(matrix.shape, rank, oversample, n_iter, orthonormalizer)
    _check_seed(seed)


def _check_integers(rank: int, n_iter: int, oversample: int | None) -> None:
    """Raise WrongTypeError unless ``rank``, ``n_iter`` and ``oversample`` are ints."""
    counts = {"rank": rank, "n_iter": n_iter}
    if oversample is not None:
        counts["oversample"] = oversample
    for name, value in counts.items():
        # bool is an Integral too, and True would pass as rank 1.
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise WrongTypeError(f"{name} must be an int, got {value!r}")


def _check_ranges(
    shape: tuple[int, int],
    rank: int,
    oversample: int | None,
    n_iter: int,
    orthonormalizer: str,
) -> None:
    """Raise ValueError for a rank, count or orthonormalizer outside its valid range."""
    rows, columns = shape
    if not 1 <= rank <= min(rows, columns):
        raise ValueError(
            f"rank must lie in [1, {min(rows, columns)}] for a {rows} x {columns} matrix, "
            f"got {rank}"
        )
    if orthonormalizer not in ORTHONORMALIZERS:
        raise ValueError(
            f"unknown orthonormalizer {orthonormalizer!r}; choose one of {sorted(ORTHONORMALIZERS)}"
        )
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}")
    if oversample is not None and oversample < 0:
        raise ValueError(f"oversample must be >= 0 or None, got {oversample}")


def _check_seed(seed: int | None) -> None:
    """Raise unless ``seed`` is None or an int that ``torch.Generator.manual_seed`` takes."""
    if seed is None:
        return
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise WrongTypeError(f"seed must be an int or None, got {seed!r}")
    if not -(2**63) <= seed < 2**64:
        raise ValueError(
            f"seed must lie in [-2**63, 2**64), the range of a torch seed, got {seed}"
        )


class _ProductClock:
    """Wall-clock seconds of one call, and the part of them spent in matrix products."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.product_seconds = 0.0

    def multiply(self, target: ImplicitMatrix, block: Tensor) -> Tensor:
        """Compute ``target @ block`` and add its seconds to ``product_seconds``."""
        # NOTE: CUDA kernels run asynchronously and nothing here synchronizes, so on a
        # GPU these seconds count kernel launches. The products' run time then lands in
        # "svd", in the first step that waits for the device.
        tic = time.perf_counter()
        out = target.matmul(block)
        self.product_seconds += time.perf_counter() - tic
        return out


def _gaussian_sketch(op: ImplicitMatrix, width: int, seed: int | None) -> Tensor:
    """Draw the Gaussian test matrix Omega ``(op columns, width)`` from ``seed``."""
    generator = None
    if seed is not None:
        generator = torch.Generator(device=op.device).manual_seed(seed)
    return torch.randn(
        op.shape[1], width, dtype=op.dtype, device=op.device, generator=generator
    )


def _range_basis(
    op: ImplicitMatrix,
    omega: Tensor,
    n_iter: int,
    orth: Callable[[Tensor], Tensor],
    multiply: Callable[[ImplicitMatrix, Tensor], Tensor],
) -> Tensor:
    """Run ``n_iter`` power iterations and return the basis Q ``(op rows, width)``."""
    for _ in range(n_iter):
        sketch = multiply(op, orth(omega))
        omega = multiply(op.T, orth(sketch))
    return orth(multiply(op, orth(omega)))


def _top_triplets(
    op: ImplicitMatrix,
    basis: Tensor,
    rank: int,
    multiply: Callable[[ImplicitMatrix, Tensor], Tensor],
) -> tuple[Tensor, Tensor, Tensor]:
    """Decompose ``B = (op^T Q)^T`` and return the top ``rank`` triplets of ``op``."""
    small = multiply(op.T, basis).T  # (w, op columns)
    u_small, s, vh = small_svd(small)
    u = basis @ u_small
    v = vh.T
    return u[:, :rank], s[:rank], v[:, :rank]


def _report_seconds(
    clock: _ProductClock,
    shape: tuple[int, int],
    rank: int,
    width: int,
    n_iter: int,
    timings: dict[str, float] | None,
) -> None:
    """Log the call's seconds at DEBUG and add them to ``timings`` when given."""
    total = time.perf_counter() - clock.started
    logger.debug(
        "randomized_svd %d x %d, rank %d, width %d, %d iterations: %.3fs (products %.3fs)",
        *shape,
        rank,
        width,
        n_iter,
        total,
        clock.product_seconds,
    )
    if timings is not None:
        timings["products"] = timings.get("products", 0.0) + clock.product_seconds
        timings["svd"] = timings.get("svd", 0.0) + total - clock.product_seconds
