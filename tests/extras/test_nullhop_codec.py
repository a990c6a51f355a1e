"""NullHop encoding round trip, sparse convolution and work counts."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient.nullhop_codec import (
    WorkModel,
    brute_force_macs,
    decode,
    dense_macs,
    encode,
    sparse_conv2d,
    to_fixed_point,
)


def _relu_map(seed: int, shape=(3, 5, 7)) -> torch.Tensor:
    return torch.relu(torch.randn(shape, generator=torch.Generator().manual_seed(seed)))


@pytest.mark.parametrize("kind", ["random", "empty", "dense", "negative"])
def test_roundtrip_exact(kind):
    feature_map = {
        "random": _relu_map(0),
        "empty": torch.zeros(2, 4, 4),
        "dense": torch.rand(2, 3, 3) + 0.5,
        "negative": -_relu_map(1),
    }[kind]
    encoded = encode(feature_map)
    decoded = decode(encoded)
    assert torch.equal(decoded, to_fixed_point(feature_map))
    # Encoding the decoded map again gives identical words and values.
    again = encode(decoded)
    assert (again.sparsity_map == encoded.sparsity_map).all()
    assert (again.values == encoded.values).all()


def test_bit_layout_and_size():
    feature_map = torch.zeros(1, 1, 20)
    feature_map[0, 0, [0, 3, 17]] = torch.tensor([1.0, 2.5, -0.5])
    encoded = encode(feature_map, frac_bits=8)
    assert encoded.sparsity_map.tolist() == [0b1001, 0b10]
    assert encoded.values.tolist() == [256, 640, -128]
    assert encoded.compressed_bits == 2 * 16 + 3 * 16
    assert encoded.compression_ratio == pytest.approx(16 * 20 / 80)


def test_compression_ratio_formula():
    feature_map = _relu_map(2, (4, 16, 16))
    encoded = encode(feature_map)
    rho = encoded.nnz / encoded.numel
    assert encoded.compression_ratio == pytest.approx(16 / (1 + 16 * rho))


@pytest.mark.parametrize("padding", [0, 1, 2])
def test_sparse_conv_matches_dense(padding):
    feature_map = _relu_map(3, (3, 6, 5))
    weight = torch.randn(4, 3, 3, 3, generator=torch.Generator().manual_seed(4))
    bias = torch.randn(4)
    encoded = encode(feature_map)
    out, macs = sparse_conv2d(encoded, weight, bias, padding)
    reference = torch.nn.functional.conv2d(
        decode(encoded)[None], weight, bias, padding=padding
    )[0]
    torch.testing.assert_close(out, reference, atol=1e-5, rtol=1e-5)
    assert macs == brute_force_macs(decode(encoded), weight.shape, padding)
    assert macs <= dense_macs(encoded.shape, weight.shape, padding)


def test_mac_count_by_hand():
    feature_map = torch.zeros(1, 3, 3)
    feature_map[0, 1, 1] = 1.0  # centre pixel: all 9 taps land inside a 3x3 output
    feature_map[0, 0, 0] = 1.0  # corner pixel: 4 taps land inside
    weight = torch.ones(2, 1, 3, 3)
    _, macs = sparse_conv2d(encode(feature_map), weight, None, padding=1)
    assert macs == (9 + 4) * 2
    assert dense_macs((1, 3, 3), weight.shape, 1) == 9 * 9 * 2


def test_work_model():
    work = WorkModel(n_mac=128, utilization=1.0)
    assert work.cycles(1280) == 10
    assert work.efficiency(dense=2560, performed=1280) == 200.0


def test_encode_map_that_requires_grad():
    # A ReLU output of a layer with trainable weights, outside torch.no_grad().
    conv = torch.nn.Conv2d(1, 2, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(0.25)
    feature_map = torch.relu(conv(torch.ones(1, 1, 2, 2)))[0]
    assert feature_map.requires_grad
    encoded = encode(feature_map)
    # Every output pixel sees the four ones: 4 * 0.25 = 1.0, code 1.0 * 2^8.
    assert encoded.values.tolist() == [256] * 8
    assert torch.equal(decode(encoded), torch.ones(2, 2, 2))


def test_sparse_conv_rejects_channel_mismatch():
    encoded = encode(_relu_map(2, shape=(2, 4, 4)))
    with pytest.raises(ValueError, match="expects 3 input channels, but the feature"):
        sparse_conv2d(encoded, torch.ones(1, 3, 3, 3), None, padding=1)
    with pytest.raises(ValueError, match="5x5 kernel with padding=0 does not fit"):
        sparse_conv2d(encoded, torch.ones(1, 2, 5, 5), None, padding=0)


def test_work_model_partial_utilization():
    # 640 MACs on 128 units at 50% utilization take 10 cycles. 1280 dense-equivalent
    # MACs in 10 cycles are 128 per cycle, which is the full peak.
    work = WorkModel(n_mac=128, utilization=0.5)
    assert work.cycles(640) == 10
    assert work.efficiency(dense=1280, performed=640) == 100.0


def test_dense_macs_without_padding():
    # A 3x3 kernel without padding leaves a 3x3 output of a 5x5 map.
    weight_shape = torch.Size((4, 2, 3, 3))
    assert dense_macs((2, 5, 5), weight_shape, 0) == 3 * 3 * 9 * 2 * 4
    assert dense_macs((2, 5, 5), weight_shape, 1) == 5 * 5 * 9 * 2 * 4
    # With no padding and no zero inputs, every product of the dense count is performed.
    ones = torch.ones(2, 5, 5)
    assert brute_force_macs(ones, weight_shape, 0) == 3 * 3 * 9 * 2 * 4


def test_to_fixed_point_saturates():
    # 8 fraction bits: codes saturate at 32767 / 256 and -32768 / 256.
    out = to_fixed_point(torch.tensor([200.0, -200.0, 1.5]), frac_bits=8)
    assert out.tolist() == [32767 / 256, -128.0, 1.5]
