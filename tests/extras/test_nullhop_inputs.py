"""NullHop's codec rejects fraction-bit counts and maps it cannot encode or measure."""

import numpy as np
import pytest
import torch
from graphkit.extras.efficient import nullhop
from graphkit.extras.efficient.nullhop_codec import (
    encode,
    sparse_conv2d,
    to_fixed_point,
)
from simulated_cuda import SimulatedCuda


def test_empty_map_compression_ratio_rejected():
    encoded = encode(torch.zeros(0, 4, 4))
    assert encoded.numel == 0
    assert encoded.compressed_bits == 0
    with pytest.raises(ValueError, match=r"shape \(0, 4, 4\), which has no pixels"):
        _ = encoded.compression_ratio


@pytest.mark.parametrize("frac_bits", [-1, 16, 2000, 8.5, True])
def test_encode_rejects_frac_bits(frac_bits):
    with pytest.raises(ValueError, match=f"frac_bits={frac_bits!r} is invalid"):
        encode(torch.ones(1, 2, 2), frac_bits=frac_bits)


@pytest.mark.parametrize("frac_bits", [-1, 16, 8.5])
def test_to_fixed_point_rejects_frac_bits(frac_bits):
    with pytest.raises(ValueError, match="Use an integer from 0 to 15"):
        to_fixed_point(torch.ones(3), frac_bits=frac_bits)


def test_config_rejects_frac_bits():
    with pytest.raises(ValueError, match="frac_bits=16 is invalid"):
        nullhop.Config(frac_bits=16)


@pytest.mark.parametrize(
    ("frac_bits", "code"),
    # 1.5 rounds half to even at 0 fraction bits and saturates at 32767 at 15.
    [(0, 2), (15, 32767), (np.int64(4), 24)],
)
def test_frac_bits_in_range_accepted(frac_bits, code):
    encoded = encode(torch.full((1, 1, 1), 1.5), frac_bits=frac_bits)
    assert encoded.values.tolist() == [code]


@pytest.mark.parametrize("bias_shape", [(3,), (1,), (4, 1), ()])
def test_sparse_conv_rejects_bias_shape(bias_shape):
    encoded = encode(torch.ones(2, 4, 4))
    weight = torch.ones(4, 2, 3, 3)
    with pytest.raises(ValueError, match=r"Pass a bias of shape \(4,\) or None"):
        sparse_conv2d(encoded, weight, torch.zeros(bias_shape), padding=1)


def test_sparse_conv_bias_per_channel():
    # A 1x1 kernel of ones over a map of ones gives 2 (two input channels) plus bias.
    encoded = encode(torch.ones(2, 2, 2))
    out, _ = sparse_conv2d(
        encoded, torch.ones(3, 2, 1, 1), torch.tensor([0.0, 1.0, -2.0]), padding=0
    )
    assert out.shape == (3, 2, 2)
    assert out[:, 0, 0].tolist() == [2.0, 3.0, 0.0]


@pytest.mark.parametrize("padding", [-1, 1.5, True])
def test_sparse_conv_rejects_invalid_padding(padding):
    # padding=-1 used to crop the map by one pixel, where torch's conv2d raises.
    encoded = encode(torch.ones(1, 5, 5))
    with pytest.raises(ValueError, match=f"padding={padding!r} is invalid"):
        sparse_conv2d(encoded, torch.ones(1, 1, 3, 3), None, padding)


def test_sparse_conv2d_rejects_integer_weight():
    # A cast of the decoded values 0.5 and 1.25 to int64 would give 0 and 1.
    encoded = encode(torch.tensor([[[0.5, 0.0], [1.25, 0.0]]]))
    weight = torch.ones(1, 1, 1, 1, dtype=torch.long)
    with pytest.raises(ValueError, match=r"real floating-point .* got torch\.int64"):
        sparse_conv2d(encoded, weight, None, padding=0)
    out, macs = sparse_conv2d(encoded, weight.float(), None, padding=0)
    assert torch.equal(out, torch.tensor([[[0.5, 0.0], [1.25, 0.0]]]))
    assert macs == 2


def test_sparse_conv2d_rejects_three_dim_weight():
    encoded = encode(torch.ones(1, 2, 2))
    with pytest.raises(ValueError, match=r"of shape \(1, 1, 1\)"):
        sparse_conv2d(encoded, torch.ones(1, 1, 1), None, padding=0)


def test_encode_rejects_complex_map():
    # A cast to float64 would drop the imaginary parts and encode this map as zeros.
    feature_map = torch.tensor([[[0.5j, 0.0], [1.25j, 0.0]]])
    with pytest.raises(
        ValueError, match=r"feature map must be real, got torch\.complex64"
    ):
        encode(feature_map)


def test_sparse_conv2d_follows_weight_device():
    # No GPU is needed: SimulatedCuda raises where a CUDA run would meet a CPU
    # tensor, such as a CPU output buffer in index_add_.
    encoded = encode(torch.tensor([[[0.5, 0.0], [1.25, 0.0]]]))
    with SimulatedCuda() as cuda:
        weight = torch.full((1, 1, 1, 1), 2.0, device="cuda")
        out, macs = sparse_conv2d(encoded, weight, torch.ones(1, device="cuda"), 0)
        assert cuda.device_of(out) == "cuda"
    assert torch.equal(out, torch.tensor([[[2.0, 1.0], [3.5, 1.0]]]))
    assert macs == 2
