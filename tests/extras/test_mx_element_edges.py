"""MX element rounding at the edges of each grid: top binade, saturation, subnormals."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.common.quant import (
    ELEMENT_FORMATS,
    mx_encode,
    quantize_element,
    quantize_mx,
)

FP_FORMATS = [name for name, fmt in ELEMENT_FORMATS.items() if fmt.kind == "fp"]


def fp_grid(name: str) -> list[float]:
    """List every finite non-negative value of an FP element format."""
    fmt = ELEMENT_FORMATS[name]
    steps = 2**fmt.mantissa_bits
    values = [k * 2.0 ** (fmt.min_exp - fmt.mantissa_bits) for k in range(steps)]
    for exponent in range(fmt.min_exp, fmt.emax + 1):
        for k in range(steps):
            value = (1 + k / steps) * 2.0**exponent
            if value <= fmt.max_normal:
                values.append(value)
    return values


@pytest.mark.parametrize(
    ("name", "count"),
    [("fp8_e4m3", 127), ("fp8_e5m2", 124), ("fp6_e3m2", 32), ("fp6_e2m3", 32), ("fp4_e2m1", 8)],
)
def test_every_fp_code_maps_to_itself(name, count):
    """Scenario of https://github.com/tenstorrent/tt-metal/issues/51971: encoding
    each decoded element code again must give the same code."""
    magnitudes = fp_grid(name)
    assert len(magnitudes) == count
    grid = torch.tensor(magnitudes + [-value for value in magnitudes], dtype=torch.float64)
    assert torch.equal(quantize_element(grid, ELEMENT_FORMATS[name]), grid)


def test_e2m1_just_above_subnormal_midpoint_rounds_up():
    """Scenario of https://github.com/tenstorrent/tt-metal/issues/51971: 0.25000006
    lies just above the midpoint of the E2M1 codes 0 and 0.5, so it rounds to 0.5."""
    block = torch.zeros(32)
    block[:3] = torch.tensor([0.25000006, 0.25, 4.0])
    # floor(log2 4) - emax(E2M1) = 0, so the scale is 1. 0.25 is the tie, which goes
    # to the even code 0.
    assert quantize_mx(block, "mxfp4_e2m1")[:3].tolist() == [0.5, 0.0, 4.0]


def test_e4m3_top_binade_saturates():
    """Scenario of https://github.com/microsoft/microxcaling/issues/4: in E4M3 the
    largest binade stops at 448 = 1.75 * 2**8, so block values past 448 * X saturate."""
    block = torch.zeros(32)
    block[:3] = torch.tensor([957.0, 960.0, -900.0])
    encoded = mx_encode(block, "mxfp8_e4m3")
    # floor(log2 960) - emax(E4M3) = 9 - 8 = 1, so X = 2 and 957 / 2 = 478.5 > 448.
    assert encoded.shared_exp.item() == 1.0
    assert encoded.decode()[:3].tolist() == [896.0, 896.0, -896.0]


def test_e5m2_round_up_past_max_normal_saturates():
    """Scenario of https://github.com/pytorch/ao/issues/436: a block maximum just under
    a power of two rounds up to 2**16 in E5M2, which saturates at 57344."""
    block = torch.ones(32)
    block[0] = float.fromhex("0x1.fffffep+6")  # 127.99999, the float32 below 128
    encoded = mx_encode(block, "mxfp8_e5m2")
    # floor(log2 127.99999) - emax(E5M2) = 6 - 15 = -9, and 127.99999 * 2**9 rounds
    # to 65536 with 2 mantissa bits. The saturated 57344 * 2**-9 decodes to 112.
    assert encoded.shared_exp.item() == -9.0
    assert encoded.decode()[:2].tolist() == [112.0, 1.0]
