"""Fake quantizers: OCP microscaling (MX) formats, integer grids, sign weights, and the STE.

MX (OCP Microscaling Formats v1.0): a block of ``k = 32`` consecutive values along the
reduction dimension shares one E8M0 scale ``X = 2^e``, with ``e`` an integer in
``[-127, 127]``; each element is stored in a narrow element format ``P``, and the value is
``v = X * P``. Conversion of a block ``v_1..v_k``:

.. math::
    e = \\operatorname{clamp}(\\lfloor \\log_2 \\max_i |v_i| \\rfloor - e_{max}^{elem},
        -127, 127), \\quad P_i = Q_{elem}(v_i / 2^e)

where ``Q_elem`` rounds to the nearest element value (ties to even) and saturates at
the element format's largest normal magnitude. Element formats (``ELEMENT_FORMATS``):
MXINT_b stores ``P = q 2^{-(b-2)}`` with integer ``|q| <= 2^{b-1} - 1`` (OCP defines b = 8;
b < 8 is the research extension); FP formats E4M3, E5M2, E3M2, E2M3, E2M1 have subnormals
and no infinities in the element grid.

Special values: a block that holds a NaN or an infinity gets the NaN scale (E8M0 code
0xFF), so every element of that block decodes to NaN. A block of zeros gets the smallest
scale ``2^-127`` and decodes to zeros.

Every function keeps the input shape. ``*_ste`` variants return ``x + (q - x).detach()``,
the straight-through estimator: forward value ``q``, gradient of the identity.
"""

from __future__ import annotations

import math
import numbers
import operator
from dataclasses import dataclass

import torch

from graphkit.whole_numbers import WrongTypeError, as_whole_number, require_whole_number

E8M0_MIN_EXP = -127
E8M0_MAX_EXP = 127


@dataclass(frozen=True)
class ElementFormat:
    """An MX element format.

    Attributes:
        name: identifier, for example ``"fp4_e2m1"`` or ``"int8"``.
        kind: ``"int"`` or ``"fp"``.
        bits: storage bits per element, sign included.
        mantissa_bits: explicit mantissa bits (FP), or fraction bits ``bits - 2`` (INT).
        emax: exponent of the largest normal binade (0 for INT).
        max_normal: largest finite magnitude.
        min_exp: exponent of the smallest normal binade; values below it are subnormal.
    """

    name: str
    kind: str
    bits: int
    mantissa_bits: int
    emax: int
    max_normal: float
    min_exp: int


def _int_format(bits: int) -> ElementFormat:
    fraction_bits = bits - 2
    q_max = 2 ** (bits - 1) - 1
    return ElementFormat(
        name=f"int{bits}",
        kind="int",
        bits=bits,
        mantissa_bits=fraction_bits,
        emax=0,
        max_normal=q_max * 2.0**-fraction_bits,
        min_exp=0,
    )


ELEMENT_FORMATS: dict[str, ElementFormat] = {
    **{f"int{b}": _int_format(b) for b in range(2, 9)},
    "fp8_e4m3": ElementFormat("fp8_e4m3", "fp", 8, 3, 8, 448.0, -6),
    "fp8_e5m2": ElementFormat("fp8_e5m2", "fp", 8, 2, 15, 57344.0, -14),
    "fp6_e3m2": ElementFormat("fp6_e3m2", "fp", 6, 2, 4, 28.0, -2),
    "fp6_e2m3": ElementFormat("fp6_e2m3", "fp", 6, 3, 2, 7.5, 0),
    "fp4_e2m1": ElementFormat("fp4_e2m1", "fp", 4, 1, 2, 6.0, 0),
}

#: MX format name (as used on the command line) -> element format name.
MX_FORMATS: dict[str, str] = {
    **{f"mxint{b}": f"int{b}" for b in range(2, 9)},
    "mxfp8_e4m3": "fp8_e4m3",
    "mxfp8_e5m2": "fp8_e5m2",
    "mxfp6_e3m2": "fp6_e3m2",
    "mxfp6_e2m3": "fp6_e2m3",
    "mxfp4_e2m1": "fp4_e2m1",
}


def element_format(name: str) -> ElementFormat:
    """Return the element format for an MX name (``"mxint4"``) or element name (``"int4"``)."""
    key = MX_FORMATS.get(name, name)
    if key not in ELEMENT_FORMATS:
        valid = ", ".join(sorted(MX_FORMATS))
        raise ValueError(f"unknown MX format {name!r}; valid formats: {valid}")
    return ELEMENT_FORMATS[key]


def floor_log2(x: torch.Tensor) -> torch.Tensor:
    """Return ``floor(log2 |x|)`` exactly (from the float exponent), as int32. Zero maps to -1."""
    _mantissa, exponent = torch.frexp(x.abs())
    return exponent - 1


def quantize_element(x: torch.Tensor, fmt: ElementFormat) -> torch.Tensor:
    """Round ``x`` (already divided by the shared scale) to the element grid of ``fmt``.

    INT: ``q = clamp(round(x 2^{b-2}), +-(2^{b-1}-1))``, value ``q 2^{-(b-2)}``.
    FP: with ``p = max(floor(log2|x|), min_exp)``, round ``x`` to a multiple of
    ``2^{p - mantissa_bits}`` (subnormals below ``min_exp``), then saturate at
    ``max_normal``. Rounding is round-half-to-even in both cases.
    """
    if fmt.kind == "int":
        scaled = torch.ldexp(x, torch.tensor(fmt.mantissa_bits))
        q_max = 2 ** (fmt.bits - 1) - 1
        q = torch.round(scaled).clamp(-q_max, q_max)
        return torch.ldexp(q, torch.tensor(-fmt.mantissa_bits))
    private_exp = floor_log2(x).clamp(min=fmt.min_exp)
    step_exp = private_exp - fmt.mantissa_bits
    rounded = torch.ldexp(torch.round(torch.ldexp(x, -step_exp)), step_exp)
    return rounded.clamp(-fmt.max_normal, fmt.max_normal)


def _to_blocks(x: torch.Tensor, block_size: int, axis: int) -> tuple[torch.Tensor, int]:
    """Move ``axis`` last, zero-pad it to a multiple of ``block_size`` and split it."""
    block_size = require_whole_number(
        block_size,
        f"block_size={block_size!r} is invalid. Use a whole number of elements "
        ">= 1 (OCP MX uses 32).",
        minimum=1,
    )
    # bool is an int subclass, so operator.index(True) is 1, but a bool here is a
    # mistaken flag, not a dimension.
    try:
        axis_valid = (
            not isinstance(axis, bool) and -x.dim() <= operator.index(axis) < x.dim()
        )
    except TypeError:
        axis_valid = False
    if not axis_valid:
        # MX shares one scale per block along a single dimension, so there is no
        # whole-tensor or multi-axis mode for None or a tuple to select.
        raise ValueError(
            f"axis={axis!r} is invalid for a tensor of shape {tuple(x.shape)}. Pass "
            f"one dimension index in [{-x.dim()}, {x.dim() - 1}], usually the "
            "reduction dimension (-1 for a weight's input features)."
        )
    moved = x.movedim(axis, -1)
    length = moved.shape[-1]
    pad = (-length) % block_size
    if pad:
        moved = torch.nn.functional.pad(moved, (0, pad))
    # The block count is explicit because reshape cannot infer -1 for a tensor
    # with no elements.
    blocks = (length + pad) // block_size
    return moved.reshape(*moved.shape[:-1], blocks, block_size), length


def _from_blocks(blocks: torch.Tensor, length: int, axis: int) -> torch.Tensor:
    padded = blocks.shape[-2] * blocks.shape[-1]
    flat = blocks.reshape(*blocks.shape[:-2], padded)[..., :length]
    return flat.movedim(-1, axis)


@dataclass
class MXTensor:
    """An MX-encoded tensor: element values and one shared exponent per block.

    Shapes:
        elements: ``(..., n_blocks, block_size)`` element values ``P``, exact in float32
            (float64 when the encoded tensor was float64).
        shared_exp: ``(..., n_blocks, 1)`` float32 exponents ``e`` (NaN for a NaN scale).
    """

    elements: torch.Tensor
    shared_exp: torch.Tensor
    fmt: ElementFormat
    length: int
    axis: int

    def decode(self) -> torch.Tensor:
        """Return ``X * P`` in the original shape and layout."""
        finite_exp = torch.nan_to_num(self.shared_exp, nan=0.0).to(torch.int32)
        values = torch.ldexp(self.elements, finite_exp)
        values = torch.where(torch.isnan(self.shared_exp), torch.nan, values)
        return _from_blocks(values, self.length, self.axis)

    def integer_codes(self) -> torch.Tensor:
        """Return the integers ``q = P 2^{b-2}`` of an MXINT tensor (blocked layout)."""
        if self.fmt.kind != "int":
            raise ValueError(
                f"integer_codes needs an MXINT tensor, got {self.fmt.name}"
            )
        return torch.ldexp(self.elements, torch.tensor(self.fmt.mantissa_bits))


def mx_encode(
    x: torch.Tensor, fmt: str | ElementFormat, block_size: int = 32, axis: int = -1
) -> MXTensor:
    """Encode ``x`` in an MX format with blocks of ``block_size`` along ``axis``.

    Raises:
        ValueError: if ``x`` is 0-dim, because it has no axis to block along,
            ``axis`` is not one dimension index of ``x``, or ``x`` is complex.
    """
    if x.dim() == 0:
        raise ValueError(
            "mx_encode needs a tensor with at least one dimension, got a 0-dim tensor. "
            "Reshape it to (1,) first."
        )
    if x.is_complex():
        # The cast to a real work dtype below would drop the imaginary parts.
        raise ValueError(
            f"mx_encode needs real values, got a {x.dtype} tensor. Encode the real "
            "and imaginary parts separately, as x.real and x.imag"
        )
    fmt = element_format(fmt) if isinstance(fmt, str) else fmt
    # float64 input is encoded in float64. Rounding it to float32 first would round
    # twice (2.5 + 2^-30 would become the E2M1 tie 2.5 and go down to 2) and would
    # turn magnitudes past the float32 range into infinities, so the block into NaN.
    work_dtype = torch.float64 if x.dtype == torch.float64 else torch.float32
    blocks, length = _to_blocks(x.to(work_dtype), block_size, axis)
    amax = blocks.abs().amax(dim=-1, keepdim=True)
    special = ~torch.isfinite(blocks).all(dim=-1, keepdim=True)
    exp = (floor_log2(amax) - fmt.emax).clamp(E8M0_MIN_EXP, E8M0_MAX_EXP)
    exp = torch.where(amax == 0, E8M0_MIN_EXP, exp)
    scaled = torch.ldexp(torch.where(special, 0.0, blocks), -exp)
    elements = quantize_element(scaled, fmt)
    shared_exp = torch.where(special, torch.nan, exp.float())
    return MXTensor(elements, shared_exp, fmt, length, axis)


def quantize_mx(
    x: torch.Tensor, fmt: str | ElementFormat, block_size: int = 32, axis: int = -1
) -> torch.Tensor:
    """Fake-quantize ``x`` to an MX format (encode then decode); same shape as ``x``.

    A 0-dim tensor is quantized as a block of one element.
    """
    if x.dim() == 0:
        return quantize_mx(x.reshape(1), fmt, block_size, axis).reshape(())
    return mx_encode(x, fmt, block_size, axis).decode().to(x.dtype)


def quantize_mx_ste(
    x: torch.Tensor, fmt: str | ElementFormat, block_size: int = 32, axis: int = -1
) -> torch.Tensor:
    """MX fake quantization with the straight-through estimator."""
    return ste(x, quantize_mx(x.detach(), fmt, block_size, axis))


def slice_and_scale(anchor: MXTensor, target: str | ElementFormat) -> MXTensor:
    """Convert an MXINT8 or MXFP8 anchor to a narrower MX format without the source values.

    MXINT: the slice ``q_b = clamp(round(q_8 / 2^{8-b}), +-(2^{b-1}-1))`` drops the
    ``8 - b`` low bits with rounding; since ``P_b = q_b 2^{-(b-2)}`` the shared scale is
    unchanged. MXFP: the shared exponent grows by ``emax_anchor - emax_target`` and each
    element is re-rounded, ``P_t = Q_t(P_a 2^{-(emax_a - emax_t)})``, which slices mantissa
    bits, moves small values to subnormals and saturates at the target's max normal.
    An exponent that would fall below -127 stays at -127, and its elements shift further.
    A block whose anchor exponent was clamped at -127 takes its target exponent from its
    largest anchor element instead. That is the exponent of direct quantization unless
    the anchor's rounding carried that element up to the next power of two. The target
    exponent is then one higher than the direct one, because the anchor no longer
    shows on which side of that power the source value was.
    """
    target = element_format(target) if isinstance(target, str) else target
    source = anchor.fmt
    if source.kind != target.kind:
        raise ValueError(
            f"slice_and_scale from {source.name} to {target.name}: kinds differ"
        )
    if target.bits > source.bits:
        raise ValueError(
            f"slice_and_scale widens {source.name} to {target.name}; use a narrower target"
        )
    if source.kind == "int":
        shift = source.bits - target.bits
        q_max = 2 ** (target.bits - 1) - 1
        q_target = torch.round(
            torch.ldexp(anchor.integer_codes(), torch.tensor(-shift))
        )
        q_target = q_target.clamp(-q_max, q_max)
        elements = torch.ldexp(q_target, torch.tensor(-target.mantissa_bits))
        return MXTensor(
            elements, anchor.shared_exp.clone(), target, anchor.length, anchor.axis
        )
    # The target exponent puts the block's largest anchor element in the target's top
    # binade. That binade is normally emax_anchor, so the shift is the usual
    # emax_anchor - emax_target. Below it, the anchor exponent was clamped at -127
    # (a block max under 2^(emax_anchor - 127)), and the same rule then gives the
    # exponent that direct quantization would choose.
    top_binade = floor_log2(anchor.elements.abs().amax(dim=-1, keepdim=True))
    shared_exp = anchor.shared_exp + (top_binade - target.emax).float()
    # A wider target (emax_target > emax_anchor) can push the exponent below the E8M0
    # minimum. The exponent is clamped there, and the elements absorb the difference
    # and round. An all-zero block gets -127, as in mx_encode.
    shared_exp = shared_exp.clamp(E8M0_MIN_EXP, E8M0_MAX_EXP)
    shift = torch.nan_to_num(anchor.shared_exp - shared_exp, nan=0.0)
    elements = quantize_element(torch.ldexp(anchor.elements, shift), target)
    return MXTensor(elements, shared_exp, target, anchor.length, anchor.axis)


def ste(x: torch.Tensor, quantized: torch.Tensor) -> torch.Tensor:
    """Return ``quantized`` in the forward pass with the gradient of the identity on ``x``."""
    return x + (quantized - x).detach()


def sign_ste(w: torch.Tensor) -> torch.Tensor:
    """Return ``sign(w)`` in {-1, +1} (0 maps to +1) with the identity gradient (STE)."""
    return ste(w, torch.where(w >= 0, 1.0, -1.0).to(w.dtype))


def ternarize(x: torch.Tensor, threshold: float | torch.Tensor) -> torch.Tensor:
    """Return ``sign(x) [|x| > threshold]`` in {-1, 0, +1}.

    A tensor ``threshold`` broadcasts against ``x``, and where it is NaN (for example
    a per-row ``0.7 mean|w|`` of a row that contains a NaN) the output is NaN, not 0.

    Raises:
        ValueError: if a number ``threshold`` is NaN, because every comparison with
            NaN is false and all of ``x`` would become 0.
    """
    if isinstance(threshold, numbers.Real) and math.isnan(threshold):
        raise ValueError(
            "threshold=nan is invalid for ternarize because it maps every value to 0. "
            "Pass a number >= 0, such as 0.7 * x.abs().mean()"
        )
    out = torch.sign(x) * (x.abs() > threshold).to(x.dtype)
    if isinstance(threshold, torch.Tensor) and threshold.is_floating_point():
        out = torch.where(torch.isnan(threshold), torch.nan, out)
    return out


def check_int_bits(bits: int, symmetric: bool) -> None:
    """Raise unless ``bits`` is a whole number of bits that the grid allows.

    The grid's largest integer is ``2^{b-1} - 1`` (or ``2^b - 1``), so a float such as
    2.5 would give a clamp limit between two integers, and the quantized values would
    no longer lie on an integer grid.
    """
    lowest = 2 if symmetric else 1
    kind = "symmetric" if symmetric else "asymmetric"
    if as_whole_number(bits, tensors=False) is None:
        raise WrongTypeError(
            f"bits={bits!r} is invalid for the {kind} INT grid. Pass a whole number "
            f"of bits >= {lowest}, such as 4"
        )
    if bits < lowest:
        raise ValueError(
            f"bits={bits} is too few for the {kind} INT grid. Use bits >= {lowest}"
        )


def int_scale_zero(
    x: torch.Tensor, bits: int, symmetric: bool, dim: int = -1, clip_ratio: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the scale and zero point of a min/max INT grid reduced over ``dim``.

    Symmetric: ``s = clip max|x| / (2^{b-1} - 1)``, zero 0, integers in
    ``[-(2^{b-1}-1), 2^{b-1}-1]``. Asymmetric: ``s = clip (max - min) / (2^b - 1)``,
    ``z = round(-min / s)``, integers in ``[0, 2^b - 1]``. Both keep ``dim`` (size 1).
    16-bit inputs get a float32 grid, because their ``max - min`` can overflow float16.

    Raises:
        TypeError: if ``bits`` is not an integer.
        ValueError: if ``bits`` is below 2 (symmetric) or 1 (asymmetric), or
            ``clip_ratio`` is not a finite number > 0. A symmetric 1-bit grid has the
            single integer 0, so its scale would divide by zero.
    """
    check_int_bits(bits, symmetric)
    if not 0 < clip_ratio < float("inf"):
        # A ratio of 0 gives scale 0, which the fallback below turns into scale 1, a
        # grid unrelated to x. A negative or NaN ratio flips or poisons the grid.
        raise ValueError(
            f"clip_ratio={clip_ratio!r} is invalid. Pass a finite ratio > 0 of the "
            "range to keep, such as 1.0 (no clipping) or 0.9"
        )
    x = x.to(torch.promote_types(x.dtype, torch.float32))
    if symmetric:
        amax = x.abs().amax(dim=dim, keepdim=True) * clip_ratio
        scale = amax / (2 ** (bits - 1) - 1)
        zero = torch.zeros_like(scale)
    else:
        x_max = x.amax(dim=dim, keepdim=True).clamp(min=0) * clip_ratio
        x_min = x.amin(dim=dim, keepdim=True).clamp(max=0) * clip_ratio
        scale = (x_max - x_min) / (2**bits - 1)
        scale = torch.where(scale == 0, torch.ones_like(scale), scale)
        zero = torch.round(-x_min / scale)
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return scale, zero


def quantize_int(
    x: torch.Tensor, scale: torch.Tensor, zero: torch.Tensor, bits: int, symmetric: bool
) -> torch.Tensor:
    """Fake-quantize ``x`` on the INT grid ``(scale, zero)`` from ``int_scale_zero``.

    The grid is applied in float32 or wider on the device of ``x``, and the result is
    cast back to the dtype of a floating-point ``x``.
    """
    check_int_bits(bits, symmetric)
    if x.is_complex():
        raise ValueError(
            f"quantize_int needs real values, got a {x.dtype} tensor. Quantize the "
            "real and imaginary parts separately, as x.real and x.imag"
        )
    scale, zero = torch.as_tensor(scale), torch.as_tensor(zero)
    work_dtype = torch.promote_types(
        torch.promote_types(x.dtype, scale.dtype), torch.float32
    )
    values = x.to(work_dtype)
    # A grid computed on the CPU (or loaded from a file) moves to x's device, as
    # gptq_quantize moves its Hessian. The grid has one value per row or group.
    scale = scale.to(device=x.device, dtype=work_dtype)
    zero = zero.to(device=x.device, dtype=work_dtype)
    if symmetric:
        q_max = 2 ** (bits - 1) - 1
        out = torch.round(values / scale).clamp(-q_max, q_max) * scale
    else:
        q = (torch.round(values / scale) + zero).clamp(0, 2**bits - 1)
        out = (q - zero) * scale
    return out.to(x.dtype) if x.is_floating_point() else out


def validate_group_size(group_size: int | None) -> None:
    """Raise unless ``group_size`` is ``None`` or a positive column count.

    A value that is not a whole number raises WrongTypeError, and one below 1 raises
    ValueError.

    Some GPTQ tools spell "no groups" as ``-1``. Here that is ``None``.
    """
    if group_size is None:
        return
    require_whole_number(
        group_size,
        f"group_size={group_size} is invalid: pass None for one grid per row, or a "
        "positive number of columns per group",
        minimum=1,
        tensors=False,
    )


def quantize_int_groups(
    x: torch.Tensor, bits: int, group_size: int | None, symmetric: bool = True
) -> torch.Tensor:
    """Fake-quantize ``x`` with one INT grid per group of ``group_size`` along the last dim.

    ``group_size=None`` uses one grid per row (per output channel for a weight, per token
    for an activation). The last dimension must be a multiple of ``group_size``.
    """
    validate_group_size(group_size)
    if group_size is None or group_size >= x.shape[-1]:
        scale, zero = int_scale_zero(x, bits, symmetric)
        return quantize_int(x, scale, zero, bits, symmetric)
    if x.shape[-1] % group_size:
        raise ValueError(
            f"last dimension {x.shape[-1]} is not a multiple of group_size={group_size}"
        )
    grouped = x.reshape(*x.shape[:-1], -1, group_size)
    scale, zero = int_scale_zero(grouped, bits, symmetric)
    return quantize_int(grouped, scale, zero, bits, symmetric).reshape(x.shape)
