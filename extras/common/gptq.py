"""GPTQ: one-shot weight quantization with second-order error compensation.

Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
Transformers", ICLR 2023. For a linear layer ``y = x W^T`` with calibration inputs ``X``,
GPTQ minimizes ``||X W^T - X Q^T||^2`` column by column. With the input Hessian
``H = (2/n) X^T X`` (damped by ``lambda mean(diag H) I``) and ``U`` the upper Cholesky
factor of ``H^{-1}``, column ``i`` is rounded and its error is spread over the columns
not yet quantized:

.. math::
    q_i = \\mathrm{quant}(w_i), \\quad e = (w_i - q_i) / U_{ii}, \\quad
    w_j \\leftarrow w_j - e\\, U_{ij} \\;\\; (j > i)

Columns are processed in blocks of ``block_size`` with the update outside the block
applied once per block ("lazy batch" update), which gives the same result.
"""

from __future__ import annotations

import logging
import math

import torch
from graphkit.extras.common.quant import (
    int_scale_zero,
    quantize_int,
    validate_group_size,
)

from graphkit.whole_numbers import as_whole_number, require_whole_number

logger = logging.getLogger(__name__)


def input_hessian(x: torch.Tensor) -> torch.Tensor:
    """Return ``H = (2/n) X^T X`` from inputs ``x`` of shape ``(..., in_features)``.

    Raises:
        ValueError: if ``x`` has no input rows, which leaves ``n = 0``, or contains
            NaN or infinity, which would make every entry of its column of H non-finite.
    """
    if x.is_complex():
        # .double() would drop the imaginary parts, and the Gram matrix of complex
        # inputs is X^H X, not X^T X.
        raise ValueError(
            f"calibration inputs must be real, got {x.dtype}. Pass the real-valued "
            "inputs of the layer"
        )
    flat = x.reshape(-1, x.shape[-1]).double()
    if flat.shape[0] == 0:
        raise ValueError(
            f"calibration inputs of shape {tuple(x.shape)} have no rows, so the "
            "Hessian is undefined. Pass at least one calibration input."
        )
    non_finite = (~torch.isfinite(flat)).nonzero()
    if non_finite.numel():
        row, column = non_finite[0].tolist()
        raise ValueError(
            f"calibration inputs contain {non_finite.shape[0]} NaN or infinite "
            f"value(s), the first at row {row}, column {column} of the inputs "
            f"flattened to {tuple(flat.shape)}. Remove or fix those rows before "
            "building the Hessian."
        )
    return (2.0 / flat.shape[0]) * flat.T @ flat


def _inverse_cholesky(hessian: torch.Tensor, damp: float) -> torch.Tensor:
    """Return the upper Cholesky factor of ``(H + damp mean(diag H) I)^-1``, raising damping
    by 10x (up to 4 times) when the factorization fails.

    A retry after ``damp = 0`` starts from 0.01, because 10x of zero would repeat the
    failed attempt.
    """
    eye = torch.eye(hessian.shape[0], dtype=hessian.dtype, device=hessian.device)
    mean_diag = float(torch.diag(hessian).mean())
    for attempt in range(5):
        level = (
            damp * 10**attempt if damp > 0 or attempt == 0 else 10.0 ** (attempt - 3)
        )
        damped = hessian + level * mean_diag * eye
        factor, info = torch.linalg.cholesky_ex(damped)
        if int(info) == 0:
            inverse = torch.cholesky_inverse(factor)
            upper, info = torch.linalg.cholesky_ex(inverse, upper=True)
            if int(info) == 0:
                if attempt:
                    logger.debug("GPTQ Cholesky needed damping %.3g", level)
                return upper
    raise RuntimeError(
        "GPTQ: the damped Hessian is not positive definite; check the calibration inputs"
    )


@torch.no_grad()
def gptq_quantize(
    weight: torch.Tensor,
    hessian: torch.Tensor,
    bits: int = 4,
    group_size: int | None = None,
    symmetric: bool = True,
    damp: float = 0.01,
    block_size: int = 128,
    act_order: bool = False,
    quantized_columns: int | None = None,
) -> torch.Tensor:
    """Quantize ``weight`` with GPTQ and return the fake-quantized weight.

    Args:
        weight (Tensor): ``(out_features, in_features)``.
        hessian (Tensor): ``(in_features, in_features)``, from ``input_hessian``.
        bits (int, default 4): integer bits.
        group_size (int, optional): columns that share one scale (and zero point); the
            grid of a group is fitted to the already-updated weights when the group
            starts. ``None`` uses one grid per output row.
        symmetric (bool, default True): symmetric grid, or min/max with a zero point.
        damp (float, default 0.01): relative diagonal damping ``lambda``.
        block_size (int, default 128): columns per lazy-update block.
        act_order (bool, default False): quantize columns in order of decreasing
            ``diag(H)``; groups then follow the permuted order.
        quantized_columns (int, optional): quantize only the first this many columns;
            the rest stay in full precision but still absorb the error updates.

    Shapes:
        return: ``(out_features, in_features)``, same dtype and device as ``weight``.
    """
    bits, group_size, block_size, quantized_columns = (
        _int_if_whole(value)
        for value in (bits, group_size, block_size, quantized_columns)
    )
    _check_settings(group_size, damp, block_size)
    for name, flag in (("symmetric", symmetric), ("act_order", act_order)):
        if flag not in (True, False):
            # A string such as "no" is truthy and would select the other mode.
            raise TypeError(
                f"{name} must be True or False, got {flag!r} ({type(flag).__name__})"
            )
    _check_weight(weight)
    if hessian.is_complex():
        # .double() would drop the imaginary parts.
        raise ValueError(
            f"hessian must be real, got {hessian.dtype}. Pass (2/n) X^T X from "
            "input_hessian"
        )
    w = weight.detach().double().clone()
    # A Hessian accumulated on another device than the weight is moved to it, so
    # that the column updates do not meet tensors of two devices.
    h = hessian.detach().to(device=w.device, dtype=torch.float64, copy=True)
    columns = w.shape[1]
    _check_hessian(h, columns)
    dead = torch.diag(h) == 0
    h[dead, dead] = 1.0
    w[:, dead] = 0.0
    n_quantized = _count_quantized(quantized_columns, columns, act_order)
    permutation = None
    if act_order:
        permutation = torch.argsort(torch.diag(h), descending=True)
        w, h = w[:, permutation], h[permutation][:, permutation]
    upper = _inverse_cholesky(h, damp)
    quantizer = _ColumnQuantizer(w, upper, bits, symmetric, group_size, n_quantized)
    quantized = quantizer.run(block_size)
    if permutation is not None:
        quantized = quantized[:, torch.argsort(permutation)]
    return quantized.to(weight.dtype)


def _int_if_whole(value):
    """Return ``value`` as an int when it is a whole number, else unchanged.

    A one-element integer tensor, such as a bit width read from a checkpoint, then
    passes the checks as the same int. Other values reach the checks, which name them.
    """
    whole = as_whole_number(value)
    return value if whole is None else whole


def _check_settings(group_size: int | None, damp: float, block_size: int) -> None:
    """Raise ValueError for an invalid group size, damping or block size."""
    validate_group_size(group_size)
    if damp < 0:
        raise ValueError(f"damp={damp} is negative; pass a relative damping >= 0")
    if not damp < math.inf:
        # NaN or inf would fail every Cholesky attempt, and the error would then
        # blame the calibration inputs.
        raise ValueError(f"damp={damp} is invalid; pass a finite relative damping")
    require_whole_number(
        block_size,
        f"block_size={block_size} is invalid. Pass a number of columns >= 1 per "
        "lazy-update block (128 is usual).",
        minimum=1,
        tensors=False,
    )


def _check_weight(weight: torch.Tensor) -> None:
    """Raise unless ``weight`` is a finite, real floating-point ``(out, in)`` matrix.

    A NaN or infinite weight makes the grid of its group NaN, and the error updates
    then carry NaN to every later column of its row. The result is cast to the
    weight's dtype, so an integer weight would have its quantized values truncated,
    and a complex one would lose its imaginary parts.
    """
    if not weight.is_floating_point():
        raise TypeError(
            f"weight must be a real floating-point tensor, got {weight.dtype}. Convert "
            "it with weight.float() first"
        )
    if weight.dim() != 2:
        raise ValueError(
            f"weight of shape {tuple(weight.shape)} is invalid. Pass a 2-D "
            "(out_features, in_features) weight"
        )
    non_finite = (~torch.isfinite(weight)).nonzero()
    if non_finite.numel():
        raise ValueError(
            f"weight has {non_finite.shape[0]} NaN or infinite entries, the first at "
            f"{non_finite[0].tolist()}. Quantize a finite weight."
        )


def _check_hessian(h: torch.Tensor, columns: int) -> None:
    """Raise ValueError unless ``h`` is a finite, symmetric ``(columns, columns)`` matrix.

    Its diagonal must also be non-negative (up to rounding), as that of any X^T X is.

    The Cholesky factorization reads only the lower triangle, so an asymmetric
    matrix would be quantized against a Hessian other than the one given.
    """
    if h.shape != (columns, columns):
        raise ValueError(
            f"hessian shape {tuple(h.shape)} does not match {columns} input columns"
        )
    non_finite = (~torch.isfinite(h)).nonzero()
    if non_finite.numel():
        # Damping cannot make such a matrix positive definite, so the retries in
        # _inverse_cholesky would only end in a misleading error.
        raise ValueError(
            f"hessian has {non_finite.shape[0]} NaN or infinite entries, the first at "
            f"{non_finite[0].tolist()}. Build it from finite calibration inputs."
        )
    asymmetry = (h - h.T).abs()
    if columns and float(asymmetry.max()) > 1e-6 * float(h.abs().max()):
        row, column = divmod(int(asymmetry.argmax()), columns)
        raise ValueError(
            f"hessian is not symmetric: entry [{row}, {column}] is "
            f"{float(h[row, column]):.6g} but [{column}, {row}] is "
            f"{float(h[column, row]):.6g}. Pass (2/n) X^T X from input_hessian."
        )
    # A Gram matrix has a non-negative diagonal. The damping retries in
    # _inverse_cholesky can still factor a matrix with a negative one, so the weights
    # would be compensated against an indefinite Hessian without an error. Entries
    # within the asymmetry tolerance of 0 pass, as rounding noise of R^T H R.
    limit = -1e-6 * float(h.abs().max()) if columns else 0.0
    negative = (torch.diag(h) < limit).nonzero()
    if negative.numel():
        column = int(negative[0])
        raise ValueError(
            f"hessian has {negative.shape[0]} negative diagonal entries, the first "
            f"[{column}, {column}] = {float(h[column, column]):.6g}, so it is not "
            "(2/n) X^T X. Pass the Hessian from input_hessian."
        )


def _count_quantized(
    quantized_columns: int | None, columns: int, act_order: bool
) -> int:
    """Return how many leading columns to quantize, raising ValueError if invalid."""
    n_quantized = columns if quantized_columns is None else quantized_columns
    require_whole_number(
        n_quantized,
        f"quantized_columns={quantized_columns!r} must be a whole number of columns "
        f"in [0, {columns}]",
        minimum=0,
        maximum=columns,
        tensors=False,
    )
    if act_order and n_quantized < columns:
        raise ValueError(
            "act_order cannot be combined with quantized_columns < in_features"
        )
    return n_quantized


class _ColumnQuantizer:
    """GPTQ's column loop, with the weights it updates and the current group's grid.

    ``w`` is updated in place and ``upper`` is the upper Cholesky factor of ``H^-1``.
    """

    def __init__(
        self,
        w: torch.Tensor,
        upper: torch.Tensor,
        bits: int,
        symmetric: bool,
        group_size: int | None,
        n_quantized: int,
    ) -> None:
        self.w = w
        self.upper = upper
        self.bits = bits
        self.symmetric = symmetric
        self.group = group_size or w.shape[1]
        self.n_quantized = n_quantized
        self.quantized = torch.zeros_like(w)
        self.scale = self.zero = None

    def run(self, block_size: int) -> torch.Tensor:
        """Quantize all columns by blocks, with a lazy update after each block."""
        w, columns = self.w, self.w.shape[1]
        for start in range(0, columns, block_size):
            end = min(start + block_size, columns)
            block_errors = w.new_zeros(w.shape[0], end - start)
            for i in range(start, end):
                self._quantize_column(i, start, end, block_errors)
            w[:, end:] -= block_errors @ self.upper[start:end, end:]
        return self.quantized

    def _quantize_column(
        self, i: int, start: int, end: int, block_errors: torch.Tensor
    ) -> None:
        """Round column ``i`` and spread its error over the rest of the block."""
        w, upper = self.w, self.upper
        column = w[:, i : i + 1]
        if i >= self.n_quantized:
            self.quantized[:, i : i + 1] = column
            return
        if (i % self.group) == 0 or self.scale is None:
            self._fit_grid(i, start, end, block_errors)
        q = quantize_int(column, self.scale, self.zero, self.bits, self.symmetric)
        self.quantized[:, i : i + 1] = q
        error = (column - q) / upper[i, i]
        w[:, i + 1 : end] -= error * upper[i, i + 1 : end].unsqueeze(0)
        block_errors[:, i - start] = error.squeeze(1)

    def _fit_grid(
        self, i: int, start: int, end: int, block_errors: torch.Tensor
    ) -> None:
        """Fit the scale and zero point of the group that starts at column ``i``."""
        group_end = min(i + self.group, self.n_quantized)
        current = self.w[:, i:group_end]
        if group_end > end:
            # Columns past this block still lack the lazy update from columns
            # start..i-1. The grid is fitted with it added, so that the result
            # does not depend on block_size.
            current = current.clone()
            current[:, end - i :] -= (
                block_errors[:, : i - start] @ self.upper[start:i, end:group_end]
            )
        self.scale, self.zero = int_scale_zero(current, self.bits, self.symmetric)


def rtn_quantize(
    weight: torch.Tensor,
    bits: int = 4,
    group_size: int | None = None,
    symmetric: bool = True,
) -> torch.Tensor:
    """Round-to-nearest baseline on the same groups as ``gptq_quantize`` (last group may be
    shorter)."""
    bits, group_size = _int_if_whole(bits), _int_if_whole(group_size)
    validate_group_size(group_size)
    if weight.dim() != 2:
        raise ValueError(
            f"weight of shape {tuple(weight.shape)} is invalid. Pass a 2-D "
            "(out_features, in_features) weight"
        )
    group = group_size or weight.shape[1]
    chunks = []
    for chunk in weight.detach().split(group, dim=1):
        scale, zero = int_scale_zero(chunk, bits, symmetric)
        chunks.append(quantize_int(chunk, scale, zero, bits, symmetric))
    return torch.cat(chunks, dim=1)
