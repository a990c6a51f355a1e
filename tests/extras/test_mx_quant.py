"""MX quantization against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch
from graphkit.extras.common.quant import (
    ELEMENT_FORMATS,
    element_format,
    int_scale_zero,
    mx_encode,
    quantize_element,
    quantize_int,
    quantize_int_groups,
    quantize_mx,
    quantize_mx_ste,
    sign_ste,
    slice_and_scale,
    ternarize,
)
from graphkit.whole_numbers import WrongTypeError


def test_e2m1_codebook():
    grid = torch.linspace(-8, 8, 1601)
    values = quantize_element(grid, element_format("fp4_e2m1")).abs().unique().tolist()
    assert values == [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]


@pytest.mark.parametrize(
    ("name", "max_normal", "min_subnormal"),
    [
        ("fp8_e4m3", 448.0, 2.0**-9),
        ("fp8_e5m2", 57344.0, 2.0**-16),
        ("fp6_e3m2", 28.0, 2.0**-4),
        ("fp6_e2m3", 7.5, 2.0**-3),
        ("fp4_e2m1", 6.0, 0.5),
        ("int8", 127 / 64, 1 / 64),
        ("int4", 1.75, 0.25),
        ("int2", 1.0, 1.0),
    ],
)
def test_element_range_and_saturation(name, max_normal, min_subnormal):
    fmt = element_format(name)
    assert fmt.max_normal == max_normal
    big = torch.tensor([1e6, -1e6])
    assert quantize_element(big, fmt).tolist() == [max_normal, -max_normal]
    tiny = torch.tensor([min_subnormal, min_subnormal * 0.49])
    assert quantize_element(tiny, fmt).tolist() == [min_subnormal, 0.0]


def test_round_half_to_even():
    fmt = element_format("fp4_e2m1")
    # 5 lies halfway between 4 and 6 (step 2): ties go to the even mantissa, 4.
    # 2.5 lies halfway between 2 and 3 (step 1): ties go to 2.
    assert quantize_element(torch.tensor([5.0, 2.5, 3.5]), fmt).tolist() == [
        4.0,
        2.0,
        4.0,
    ]


def test_shared_exponent_e2m1():
    block = torch.zeros(32)
    block[:3] = torch.tensor([0.3, 5.0, -7.9])
    encoded = mx_encode(block, "mxfp4_e2m1")
    # floor(log2 7.9) - emax(E2M1) = 2 - 2 = 0, so X = 1.
    assert encoded.shared_exp.item() == 0.0
    assert encoded.decode()[:3].tolist() == [0.5, 4.0, -6.0]


def test_shared_exponent_scale_selection():
    x = torch.tensor([[3.0, -0.25] + [0.0] * 30, [1000.0] + [1.0] * 31])
    encoded = mx_encode(x, "mxint8")
    # floor(log2 3) - 0 = 1 and floor(log2 1000) = 9.
    assert encoded.shared_exp.flatten().tolist() == [1.0, 9.0]


def test_mxint8_decodes_to_integer_grid():
    x = torch.randn(4, 96, generator=torch.Generator().manual_seed(0)) * 3
    encoded = mx_encode(x, "mxint8")
    q = encoded.integer_codes()
    assert torch.equal(q, q.round())
    assert q.abs().max() <= 127
    expected = torch.ldexp(q * 2.0**-6, encoded.shared_exp.to(torch.int32))
    assert torch.equal(encoded.decode(), expected.reshape(4, 96))
    # Element by element: each run of 32 values along a row shares
    # e = floor(log2 max|x|), and x / 2^e rounds to code * 2^-6 with code in
    # [-127, 127].
    decoded = encoded.decode().tolist()
    for row in range(4):
        for start in range(0, 96, 32):
            block = x[row, start : start + 32].tolist()
            exponent = math.floor(math.log2(max(abs(v) for v in block)))
            for column, value in enumerate(block, start):
                code = min(max(round(value * 2.0 ** (6 - exponent)), -127), 127)
                assert decoded[row][column] == code * 2.0 ** (exponent - 6)


def test_slice_and_scale_mxint8_to_mxint4():
    x = torch.randn(8, 64, generator=torch.Generator().manual_seed(1))
    anchor = mx_encode(x, "mxint8")
    sliced = slice_and_scale(anchor, "mxint4")
    expected_q = torch.round(anchor.integer_codes() / 16).clamp(-7, 7)
    assert torch.equal(sliced.integer_codes(), expected_q)
    assert torch.equal(sliced.shared_exp, anchor.shared_exp)


def test_slice_and_scale_fp_shifts_exponent():
    x = torch.randn(2, 32, generator=torch.Generator().manual_seed(2))
    anchor = mx_encode(x, "mxfp8_e4m3")
    sliced = slice_and_scale(anchor, "mxfp4_e2m1")
    assert torch.equal(sliced.shared_exp, anchor.shared_exp + 6)  # emax 8 - emax 2
    codebook = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0}
    assert set(sliced.elements.abs().unique().tolist()) <= codebook
    # Each element is its anchor element times 2^-6, rounded to the nearest E2M1
    # value. A tie goes to the even mantissa (0, 1, 2, 4), and past 6 it saturates.
    even = {0.0, 1.0, 2.0, 4.0}
    for anchor_value, sliced_value in zip(
        anchor.elements.flatten().tolist(), sliced.elements.flatten().tolist()
    ):
        magnitude = abs(anchor_value) * 2.0**-6
        nearest = min(
            sorted(codebook),
            key=lambda level: (abs(level - magnitude), level not in even),
        )
        assert sliced_value == math.copysign(nearest, anchor_value), anchor_value


def test_slice_and_scale_keeps_e8m0_range():
    # E4M3 -> E5M2 moves the exponent by 8 - 15 = -7, from the E8M0 minimum -127
    # of this tiny block to -134, which E8M0 cannot store.
    x = torch.zeros(32)
    x[:3] = torch.tensor([2.0**-125, 2.0**-130, 2.0**-136])
    sliced = slice_and_scale(mx_encode(x, "mxfp8_e4m3"), "mxfp8_e5m2")
    assert sliced.shared_exp.flatten().tolist() == [-127.0]
    assert torch.equal(sliced.elements[0, :3], torch.tensor([4.0, 2.0**-3, 2.0**-9]))
    assert torch.equal(sliced.decode(), x)


def test_slice_and_scale_rejects_widening():
    with pytest.raises(ValueError, match="narrower"):
        slice_and_scale(mx_encode(torch.ones(32), "mxint4"), "mxint8")


@pytest.mark.parametrize(
    ("anchor_format", "target_format"),
    [("mxint8", "mxfp4_e2m1"), ("mxfp8_e4m3", "mxint4")],
)
def test_slice_and_scale_rejects_kind_change(anchor_format, target_format):
    # An MXINT anchor stores integer codes and an MXFP anchor stores FP elements, so
    # slicing one into the other kind would label elements with the wrong grid.
    anchor = mx_encode(torch.ones(32), anchor_format)
    with pytest.raises(ValueError, match="kinds differ"):
        slice_and_scale(anchor, target_format)


def test_zero_block_and_specials():
    x = torch.zeros(3, 32)
    x[1, 5] = math.nan
    x[2, 7] = math.inf
    out = quantize_mx(x, "mxint8")
    assert torch.equal(out[0], torch.zeros(32))
    assert out[1].isnan().all()
    assert out[2].isnan().all()


def test_padding_and_axis():
    x = torch.randn(40, 3, generator=torch.Generator().manual_seed(3))
    out = quantize_mx(x, "mxint8", axis=0)
    assert out.shape == x.shape
    per_column = torch.stack([quantize_mx(x[:, j], "mxint8") for j in range(3)], dim=1)
    assert torch.equal(out, per_column)


def test_ste_gradient_is_identity():
    x = torch.randn(64, requires_grad=True)
    quantize_mx_ste(x, "mxint2").sum().backward()
    assert torch.equal(x.grad, torch.ones(64))
    w = torch.tensor([-0.5, 0.0, 2.0], requires_grad=True)
    out = sign_ste(w)
    assert out.tolist() == [-1.0, 1.0, 1.0]
    out.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0, 1.0]


def test_unknown_format_lists_valid():
    with pytest.raises(ValueError, match="mxint4"):
        element_format("mxint9")


def test_every_format_idempotent():
    x = torch.randn(4, 64, generator=torch.Generator().manual_seed(4)) * 10
    for name in ELEMENT_FORMATS:
        once = quantize_mx(x, name)
        assert torch.equal(quantize_mx(once, name), once), name


def test_int_groups_and_ternarize():
    x = torch.tensor([[1.0, -2.0, 0.5, 4.0]])
    # Symmetric 3-bit (|q| <= 3), groups of 2: scales 2/3 and 4/3. 1 / (2/3) = 1.5 rounds
    # half to even, to 2; 0.5 / (4/3) = 0.375 rounds to 0.
    out = quantize_int_groups(x, bits=3, group_size=2)
    assert torch.allclose(out, torch.tensor([[4 / 3, -2.0, 0.0, 4.0]]))
    assert ternarize(torch.tensor([0.2, -0.7, 0.9]), 0.5).tolist() == [0.0, -1.0, 1.0]


def test_int_grid_rejects_one_bit_symmetric():
    # A symmetric 1-bit grid contains only 0, so its scale max|x| / 0 would give NaN.
    x = torch.tensor([[0.1, 0.2, -0.3, 0.4]])
    with pytest.raises(ValueError, match="bits=1"):
        quantize_int_groups(x, 1, None)
    # Asymmetric: scale 0.4 - (-0.3) = 0.7, zero round(0.3 / 0.7) = 0, levels {0, 0.7}.
    one_bit = quantize_int_groups(x, 1, None, symmetric=False)
    assert torch.allclose(one_bit, torch.tensor([[0.0, 0.0, 0.0, 0.7]]))


def test_int_grid_float16_range_past_max():
    # max - min = 41472 + 27648 = 69120 overflows float16 (max 65504). The grid is
    # scale 69120 / 15 = 4608 and zero point 27648 / 4608 = 6, and every output is
    # a float16 value.
    x = torch.tensor([[41472.0, -27648.0, 9216.0, 1000.0]], dtype=torch.float16)
    out = quantize_int_groups(x, 4, None, symmetric=False)
    assert out.dtype == torch.float16
    assert out.tolist() == [[41472.0, -27648.0, 9216.0, 0.0]]


def test_float64_input_rounds_once():
    x = torch.zeros(32, dtype=torch.float64)
    x[0] = 2.5 + 2.0**-30
    out = quantize_mx(x, "mxfp4_e2m1")
    # X = 2^(1 - 2), so the element is 5 + 2^-29: just above the tie 5, it rounds up
    # to 6. Rounded to float32 first, it would be the tie 5 and go down to 4.
    assert out.dtype == torch.float64
    assert out[0].item() == 3.0


def test_float64_past_float32_range_saturates():
    x = torch.zeros(32, dtype=torch.float64)
    x[:2] = torch.tensor([1e300, -1e300], dtype=torch.float64)
    encoded = mx_encode(x, "mxfp4_e2m1")
    # The exponent clamps at the E8M0 maximum and the elements saturate at 6.
    assert encoded.shared_exp.flatten().tolist() == [127.0]
    assert encoded.elements[0, :2].tolist() == [6.0, -6.0]
    assert encoded.decode()[:2].tolist() == [6.0 * 2.0**127, -6.0 * 2.0**127]


def test_slice_and_scale_clamped_anchor_block():
    # floor(log2 2^-123) - 8 = -131 is below the E8M0 minimum, so the E4M3 anchor
    # stores X = 2^-127 with elements 16, -8 and 6. E2M1 needs X = 2^(-123 - 2):
    # adding the usual emax shift 8 - 2 to -127 would give 2^-121 and flush all three.
    x = torch.zeros(32)
    x[:3] = torch.tensor([2.0**-123, -(2.0**-124), 3 * 2.0**-126])
    anchor = mx_encode(x, "mxfp8_e4m3")
    assert anchor.shared_exp.flatten().tolist() == [-127.0]
    sliced = slice_and_scale(anchor, "mxfp4_e2m1")
    direct = mx_encode(x, "mxfp4_e2m1")
    assert sliced.shared_exp.flatten().tolist() == [-125.0]
    assert torch.equal(sliced.elements, direct.elements)
    assert torch.equal(sliced.decode(), x)


def test_slice_and_scale_clamped_anchor_rounded_up():
    # floor(log2 (255 * 2^-127)) - 8 = -128 clamps to -127, and the E4M3 element 255
    # rounds up to 256 = 2^8. The slice puts 256 in the E2M1 top binade 2, so
    # X = 2^(-127 + 8 - 2) and the element is 4. Direct quantization uses
    # X = 2^(-120 - 2), where 255 / 32 saturates to 6.
    x = torch.zeros(32)
    x[0] = 255 * 2.0**-127
    anchor = mx_encode(x, "mxfp8_e4m3")
    assert anchor.shared_exp.flatten().tolist() == [-127.0]
    assert anchor.elements[0, 0].item() == 256.0
    sliced = slice_and_scale(anchor, "mxfp4_e2m1")
    direct = mx_encode(x, "mxfp4_e2m1")
    assert sliced.shared_exp.flatten().tolist() == [-121.0]
    assert direct.shared_exp.flatten().tolist() == [-122.0]
    assert sliced.decode()[0].item() == 4 * 2.0**-121
    assert direct.decode()[0].item() == 6 * 2.0**-122


def test_slice_and_scale_zero_block_minimum_scale():
    sliced = slice_and_scale(mx_encode(torch.zeros(32), "mxfp8_e4m3"), "mxfp4_e2m1")
    assert sliced.shared_exp.flatten().tolist() == [-127.0]
    assert torch.equal(sliced.decode(), torch.zeros(32))


@pytest.mark.parametrize("block_size", [0, -4, 2.5, True])
def test_mx_rejects_invalid_block_size(block_size):
    with pytest.raises(ValueError, match=f"block_size={block_size} is invalid"):
        quantize_mx(torch.ones(8), "mxint8", block_size=block_size)


@pytest.mark.parametrize(
    ("block_size", "wrong_type"), [(2.5, True), (True, True), (0, False)]
)
def test_mx_block_size_error_class(block_size, wrong_type):
    # A block size of the wrong type raises the TypeError subclass that every other
    # count raises, and a whole number below 1 a plain ValueError.
    with pytest.raises(ValueError) as caught:
        quantize_mx(torch.ones(8), "mxint8", block_size=block_size)
    assert isinstance(caught.value, WrongTypeError) is wrong_type
    assert isinstance(caught.value, TypeError) is wrong_type


def test_quantize_mx_zero_dim_tensor():
    # 3.3 alone is its block's max: X = 2^(1 - 2) and 6.6 rounds to the E2M1 value 6.
    out = quantize_mx(torch.tensor(3.3), "mxfp4_e2m1")
    assert out.shape == ()
    assert out.item() == 3.0
    assert quantize_mx_ste(torch.tensor(-3.3), "mxint8").item() == -3.3125
    with pytest.raises(ValueError, match="0-dim tensor"):
        mx_encode(torch.tensor(3.3), "mxint8")


def test_ternarize_threshold_is_strict():
    x = torch.tensor([-1.0, -0.5, 0.5, 1.0])
    assert ternarize(x, 0.5).tolist() == [-1.0, 0.0, 0.0, 1.0]


def test_ternarize_nan_threshold():
    x = torch.tensor([[-1.0, 0.2], [0.9, 0.1]])
    with pytest.raises(ValueError, match="threshold=nan"):
        ternarize(x, float("nan"))
    # One threshold per row: the NaN row becomes NaN, and the other row is ternarized.
    threshold = torch.tensor([[float("nan")], [0.5]])
    out = ternarize(x, threshold)
    assert torch.isnan(out[0]).all()
    assert out[1].tolist() == [1.0, 0.0]


def test_int_grid_clip_ratio():
    x = torch.tensor([4.0, -2.0, 1.0])
    # Symmetric 3-bit with clip 0.5: max|x| 4 becomes 2, so the scale is 2 / 3 and
    # 4 saturates at 3 * 2 / 3 = 2.
    scale, zero = int_scale_zero(x, 3, symmetric=True, clip_ratio=0.5)
    assert scale.tolist() == pytest.approx([2 / 3])
    assert zero.tolist() == [0.0]
    out = quantize_int(x, scale, zero, 3, symmetric=True)
    assert out.tolist() == pytest.approx([2.0, -2.0, 4 / 3])
    # Asymmetric 2-bit with clip 0.5: range [-1, 2], scale 1, zero point 1, so the
    # integers 0..3 represent -1..2 and 4 saturates at 2.
    scale, zero = int_scale_zero(x, 2, symmetric=False, clip_ratio=0.5)
    assert scale.tolist() == [1.0]
    assert zero.tolist() == [1.0]
    out = quantize_int(x, scale, zero, 2, symmetric=False)
    assert out.tolist() == [2.0, -1.0, 1.0]


def test_asymmetric_grid_range_includes_zero():
    # All negative: the range is [-4, 0], not [-4, -2], so the scale is 4 / 3 and
    # the zero point 3. -2 / (4 / 3) = -1.5 rounds half to even, to -2.
    x = torch.tensor([-4.0, -2.0])
    scale, zero = int_scale_zero(x, 2, symmetric=False)
    assert scale.tolist() == pytest.approx([4 / 3])
    assert zero.tolist() == [3.0]
    out = quantize_int(x, scale, zero, 2, symmetric=False)
    assert out.tolist() == pytest.approx([-4.0, -8 / 3])


@pytest.mark.parametrize("axis", [None, (0, 1), 1.0, 2, -3, True, False])
def test_mx_rejects_invalid_axis(axis):
    # Without the check, torch.movedim raises a TypeError that lists its overloads
    # for None and tuples.
    x = torch.ones(2, 40)
    with pytest.raises(ValueError, match=r"is invalid for a tensor of shape \(2, 40\)"):
        quantize_mx(x, "mxint8", axis=axis)
    with pytest.raises(ValueError, match=r"one dimension index in \[-2, 1\]"):
        mx_encode(x, "mxint8", axis=axis)


def test_e2m3_block_of_eight_subnormal_ties():
    # The block max is 8 = 2^3 and E2M3 has emax 2, so the shared scale X = 2^(3 - 2)
    # = 2. The scaled elements 2^-7 .. 2^-4 lie below the E2M3 subnormal step 2^-3.
    # 2^-4 is the tie between 0 and 2^-3, so it rounds to the even 0.
    x = torch.tensor([2.0**-6, 2.0**-5, 2.0**-4, 2.0**-3, 0.25, 0.5, 1.0, 8.0])
    encoded = mx_encode(x, "mxfp6_e2m3", block_size=8)
    assert encoded.shared_exp.flatten().tolist() == [1.0]
    assert encoded.elements.flatten().tolist() == [0, 0, 0, 0, 0.125, 0.25, 0.5, 4]
    assert quantize_mx(x, "mxfp6_e2m3", block_size=8).tolist() == [
        0.0,
        0.0,
        0.0,
        0.0,
        0.25,
        0.5,
        1.0,
        8.0,
    ]
