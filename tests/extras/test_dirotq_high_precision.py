"""DiRotQ keeps its top subspace in 16 bits: weights and activations rounded to float16."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient import dirotq
from graphkit.extras.efficient.rotation import RotatedQuantLinear, quantize_layer


def _identity_layer(weight: list[list[float]]) -> torch.nn.Linear:
    linear = torch.nn.Linear(len(weight[0]), len(weight), bias=False)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(weight))
    return linear


def test_kept_columns_rounded_to_float16():
    # 1 + 2^-12 is not a float16 (its spacing at 1 is 2^-10) and rounds to 1.
    fine = 1 + 2**-12
    linear = _identity_layer([[0.5, fine], [0.25, 3.0]])
    calibration = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    layer = quantize_layer(
        linear,
        calibration,
        torch.eye(2, dtype=torch.float64),
        keep=1,
        bits=8,
        group_size=None,
        use_gptq=False,
    )
    assert layer.weight[0, 1].item() == 1.0
    assert layer.weight[1, 1].item() == 3.0


def test_kept_columns_stay_exact_in_float32():
    fine = 1 + 2**-12
    linear = _identity_layer([[0.5, fine], [0.25, 3.0]])
    calibration = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    layer = quantize_layer(
        linear,
        calibration,
        torch.eye(2, dtype=torch.float64),
        keep=1,
        bits=8,
        group_size=None,
        use_gptq=False,
        high_dtype=torch.float32,
    )
    assert layer.weight[0, 1].item() == pytest.approx(fine, abs=1e-9)


def test_kept_activations_rounded_to_float16():
    linear = _identity_layer([[0.0, 1.0]])
    rotation = torch.eye(2, dtype=torch.float64)
    layer = RotatedQuantLinear(linear, rotation, keep=1, act_bits=8)
    x = torch.tensor([[0.0, 1 + 2**-12]])
    assert layer(x).item() == 1.0
    unrounded = RotatedQuantLinear(linear, rotation, keep=1, act_bits=None)
    assert unrounded(x).item() == pytest.approx(1 + 2**-12, abs=1e-9)


def test_only_low_coordinates_quantized():
    linear = _identity_layer([[0.0, 1.0, 1.0]])
    rotation = torch.eye(3, dtype=torch.float64)
    layer = RotatedQuantLinear(linear, rotation, keep=1, act_bits=2)
    # The 2-bit grid over the first two coordinates spans [0, 3] with step 1, so
    # 1.25 rounds to 1. The kept coordinate 0.625 is a float16 and stays exact.
    x = torch.tensor([[3.0, 1.25, 0.625]])
    assert layer(x).item() == 1.625


def test_bfloat16_keeps_fewer_bits_than_float16():
    linear = _identity_layer([[0.0, 1.0]])
    rotation = torch.eye(2, dtype=torch.float64)
    layer = RotatedQuantLinear(
        linear, rotation, keep=1, act_bits=8, high_dtype=torch.bfloat16
    )
    # bfloat16 has 8 significant bits: 1 + 2^-9 rounds to 1, float16 keeps it.
    x = torch.tensor([[0.0, 1 + 2**-9]])
    assert layer(x).item() == 1.0
    assert (
        RotatedQuantLinear(linear, rotation, keep=1, act_bits=8)(x).item() == 1 + 2**-9
    )


def test_config_rejects_unknown_high_precision():
    with pytest.raises(ValueError, match="high_precision='int16' is invalid"):
        dirotq.Config(high_precision="int16")


@pytest.mark.parametrize("keep", [-1, 5])
def test_rotated_layer_rejects_keep_outside_width(keep):
    linear = torch.nn.Linear(4, 2)
    with pytest.raises(ValueError, match=rf"keep={keep} must lie in \[0, 4\]"):
        RotatedQuantLinear(linear, torch.eye(4, dtype=torch.float64), keep, act_bits=4)
