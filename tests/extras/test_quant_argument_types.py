"""INT grids, MX encoding and GPTQ: non-integer bit counts and complex or integer tensors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from graphkit.extras.common.gptq import gptq_quantize, input_hessian, rtn_quantize
from graphkit.extras.common.quant import (
    int_scale_zero,
    quantize_int,
    quantize_int_groups,
    quantize_mx,
)
from simulated_cuda import SimulatedCuda


def test_int_grid_rejects_non_int_bits():
    x = torch.tensor([[-1.0, 0.3, 0.6, 1.0]])
    # With 2.5 bits the clamp limit would be 2^1.5 - 1 = 1.83, which is not an
    # integer, so the quantized values would lie on no integer grid.
    with pytest.raises(TypeError, match=r"bits=2\.5 is invalid for the symmetric"):
        int_scale_zero(x, 2.5, True)
    with pytest.raises(TypeError, match=r"bits=3\.0 is invalid for the asymmetric"):
        quantize_int(x, torch.tensor(0.5), torch.tensor(1.0), 3.0, False)
    with pytest.raises(TypeError, match=r"bits=True is invalid"):
        quantize_int_groups(x, True, None)


def test_int_grid_accepts_integer_bit_types():
    x = torch.tensor([[-1.0, 0.3, 0.6, 1.0]])
    # Symmetric 2-bit grid: integers -1, 0, 1 with scale max|x| / 1 = 1.
    expected = torch.tensor([[-1.0, 0.0, 1.0, 1.0]])
    assert torch.equal(quantize_int_groups(x, 2, None), expected)
    assert torch.equal(quantize_int_groups(x, np.int64(2), None), expected)


def test_rtn_and_gptq_reject_fractional_bits():
    weight = torch.tensor([[0.2, -0.7, 1.0, 0.4]])
    with pytest.raises(TypeError, match=r"bits=2\.5 is invalid"):
        rtn_quantize(weight, bits=2.5)
    with pytest.raises(TypeError, match=r"bits=2\.5 is invalid"):
        gptq_quantize(weight, torch.eye(4), bits=2.5)


def test_gptq_rejects_integer_weight():
    # The result is cast to the weight's dtype. With H = I and 4 bits the scale is
    # 3 / 7, so 1 quantizes to 6 / 7, which int64 truncated to 0.
    weight = torch.tensor([[1, 2, 3, 0]])
    with pytest.raises(
        TypeError, match=r"real floating-point tensor, got torch\.int64"
    ):
        gptq_quantize(weight, torch.eye(4))


def test_gptq_rejects_complex_tensors():
    weight = torch.tensor([[0.2, -0.7, 1.0, 0.4]])
    with pytest.raises(TypeError, match=r"got torch\.complex64"):
        gptq_quantize(weight.to(torch.complex64), torch.eye(4))
    with pytest.raises(ValueError, match=r"hessian must be real, got torch\.complex64"):
        gptq_quantize(weight, torch.eye(4, dtype=torch.complex64))
    inputs = torch.ones(3, 4, dtype=torch.complex64) * 1j
    with pytest.raises(ValueError, match=r"calibration inputs must be real"):
        input_hessian(inputs)


def test_gptq_rejects_fractional_counts():
    weight = torch.tensor([[0.2, -0.7, 1.0, 0.4]])
    hessian = torch.eye(4)
    with pytest.raises(ValueError, match=r"group_size=2\.5 is invalid"):
        gptq_quantize(weight, hessian, group_size=2.5)
    with pytest.raises(ValueError, match=r"block_size=2\.5 is invalid"):
        gptq_quantize(weight, hessian, block_size=2.5)
    with pytest.raises(ValueError, match=r"quantized_columns=1\.5 must be a whole"):
        gptq_quantize(weight, hessian, quantized_columns=1.5)


def test_rtn_rejects_one_dimensional_weight():
    with pytest.raises(ValueError, match=r"weight of shape \(4,\) is invalid"):
        rtn_quantize(torch.tensor([0.2, -0.7, 1.0, 0.4]))


def test_mx_and_int_grid_reject_complex_values():
    x = torch.tensor([1.0 + 3.0j, 0.5 - 2.0j])
    with pytest.raises(ValueError, match=r"mx_encode needs real values"):
        quantize_mx(x, "mxint8")
    with pytest.raises(ValueError, match=r"mx_encode needs real values"):
        quantize_mx(x[0], "mxint8")
    with pytest.raises(ValueError, match=r"quantize_int needs real values"):
        quantize_int(x, torch.tensor(1.0), torch.tensor(0.0), 4, True)


@pytest.mark.parametrize(
    "weight_device, hessian_device", [("cuda", "cpu"), ("cpu", "cuda")]
)
def test_gptq_moves_hessian_to_weight_device(weight_device, hessian_device):
    # No GPU is needed: SimulatedCuda raises where a CUDA run would meet a CPU tensor,
    # as the column update would with a Hessian on the other device.
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(4, 8, generator=generator)
    hessian = input_hessian(torch.randn(20, 8, generator=generator))
    expected = gptq_quantize(weight, hessian, group_size=4)
    with SimulatedCuda() as cuda:
        out = gptq_quantize(
            weight.to(weight_device), hessian.to(hessian_device), group_size=4
        )
        assert cuda.device_of(out) == weight_device
    assert torch.equal(out, expected)


@pytest.mark.parametrize("clip_ratio", [0.0, -0.5, float("nan"), float("inf")])
def test_int_grid_rejects_invalid_clip_ratio(clip_ratio):
    # Without the check, a ratio of 0 gives scale 0, replaced by scale 1, a grid
    # unrelated to x.
    x = torch.tensor([[0.1, -0.2, 0.05]])
    with pytest.raises(ValueError, match=r"clip_ratio=.* is invalid"):
        int_scale_zero(x, 4, True, clip_ratio=clip_ratio)


@pytest.mark.parametrize("symmetric", [True, False])
def test_quantize_int_moves_cpu_grid(symmetric):
    # The grid has one value per row, shape [2, 1], so it is not a 0-dim tensor that
    # CUDA ops accept from the CPU. quantize_int must move it to the input's device.
    x = torch.tensor([[0.1, -0.7, 0.4], [2.0, 0.5, -1.0]])
    scale, zero = int_scale_zero(x, 4, symmetric)
    expected = quantize_int(x, scale, zero, 4, symmetric)
    with SimulatedCuda() as cuda:
        out = quantize_int(x.to("cuda"), scale, zero, 4, symmetric)
        assert cuda.device_of(out) == "cuda"
    assert torch.equal(out, expected)
