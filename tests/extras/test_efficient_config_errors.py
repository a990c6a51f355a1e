"""Efficient-inference edge cases: config errors, exact counts, NaN, zero weights."""

from __future__ import annotations

import math

import pytest
import torch
from graphkit.extras.efficient import (
    attn_upsample,
    dirotq,
    dsr,
    eas,
    mfqat,
    nullhop,
    nullhop_codec,
    onebit,
    rotation,
)


def test_onebit_rejects_empty_seeds():
    with pytest.raises(ValueError, match=r"seeds=\(\)"):
        onebit.Config(seeds=())


@pytest.mark.parametrize(
    "length, sparsity, expected",
    [(10, 0.7, 3), (100, 0.7, 30), (96, 0.6, 39), (25, 0.44, 14), (96, 0.5, 48)],
)
def test_eas_keep_count_exact(length, sparsity, expected):
    assert eas.keep_count(length, sparsity) == expected


def test_eas_encode_keeps_exact_count():
    config = eas.Config(
        frames=10,
        segment_min=1,
        segment_max=2,
        width=8,
        heads=2,
        encoder_layers=2,
        layers=(1,),
    )
    model = eas.Transcriber(config).eval()
    x = torch.randn(1, 10, config.features)
    with torch.no_grad():
        memory, kept = model.encode(x, prune_layer=1, sparsity=0.7)
    # ceil((1 - 0.7) * 10) = 3 frames are kept.
    assert kept.shape == (1, 3)
    assert memory.shape == (1, 3, 8)
    # Three distinct frames of the ten, in time order.
    frames = kept[0].tolist()
    assert frames == sorted(set(frames))
    assert 0 <= frames[0]
    assert frames[-1] < 10


def test_nullhop_encode_rejects_nan():
    feature_map = torch.tensor([[[0.0, float("nan"), 1.0]]])
    with pytest.raises(ValueError, match="1 NaN values"):
        nullhop_codec.encode(feature_map)


def test_nullhop_encode_saturates_infinity():
    encoded = nullhop_codec.encode(torch.tensor([[[float("inf"), -float("inf"), 0.0]]]))
    assert encoded.values.tolist() == [2**15 - 1, -(2**15)]


@pytest.mark.parametrize("dim", [4, 5])
def test_dirotq_timestep_embedding_width(dim):
    embedding = dirotq.timestep_embedding(torch.tensor([0, 5]), dim)
    assert embedding.shape == (2, dim)
    # At t = 0 every sine is 0 and every cosine is 1. An odd width ends in a zero
    # column.
    expected = [0.0, 0.0, 1.0, 1.0] + [0.0] * (dim - 4)
    assert embedding[0].tolist() == expected


@pytest.mark.parametrize(
    "field, value", [("block_size", 0), ("block_size", -4), ("batch_size", 0)]
)
def test_mfqat_config_names_invalid_value(field, value):
    with pytest.raises(ValueError, match=f"{field}={value}"):
        mfqat.Config(**{field: value})


@pytest.mark.parametrize(
    "module, field, value",
    [
        (attn_upsample, "channels", 0),
        (attn_upsample, "heads", 0),
        (attn_upsample, "epochs", 0),
        (attn_upsample, "batch_size", 0),
        (dirotq, "epochs", 0),
        (dirotq, "batch_size", 0),
        (dirotq, "group_size", 0),
        (dirotq, "lr", 0.0),
        (dsr, "lr", -1.0),
        (dsr, "batch_size", 0),
        (dsr, "initial_threshold", 0.0),
        (dsr, "tolerance", -0.1),
        (eas, "epochs", 0),
        (eas, "timing_repeats", 0),
        (eas, "lr", 0.0),
        (nullhop, "epochs", 0),
        (nullhop, "lr", -1.0),
        (nullhop, "image_size", 0),
        (onebit, "batch_size", 0),
        (onebit, "weight_decay", -1.0),
    ],
)
def test_config_rejects_invalid_value(module, field, value):
    with pytest.raises(ValueError, match=f"{field}={value}"):
        module.Config(**{field: value})


def test_onebit_zero_weights_stay_binary():
    # torch.sign(0) is 0, which would make a "1-bit" weight ternary.
    conv = onebit.BinaryConv2d(2, 3, 3)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 0, 0, 0] = -0.0
        conv.weight[1, 0, 0, 0] = -0.5
    deployed = conv.deployed_weight()
    alpha = torch.tensor(conv.alpha, dtype=deployed.dtype)
    assert torch.equal(deployed.abs(), alpha.expand_as(deployed))
    assert deployed[0, 0, 0, 0] == alpha
    assert deployed[1, 0, 0, 0] == -alpha


def test_eas_soft_bias_keeps_all_frames():
    scores = torch.tensor([[3.0, 1.0, 2.0, 0.0]])
    # keep equals the frame count (4), so the hard rule drops nothing and the soft
    # bias must be 0 everywhere.
    bias = eas.soft_keep_bias(scores, keep=4, temperature=0.5)
    assert torch.equal(bias, torch.zeros_like(scores))


def test_eas_point_tags_distinct():
    assert eas.point_tag(1, 0.5) == "L1_s50"
    assert eas.point_tag(2, 0.6) == "L2_s60"
    assert eas.point_tag(1, 0.12) != eas.point_tag(1, 0.125)
    assert eas._parse_tag(eas.point_tag(1, 0.125)) == (1, 0.125)


def test_eas_best_point_uses_exact_sparsity():
    # s = 0.396 lies outside [0.4, 0.6], so it is not a candidate even though it rounds
    # to 40 percent.
    tag = eas.point_tag(1, 0.396)
    metrics = {
        "ter_dense": 10.0,
        f"speedup_{tag}": 2.0,
        f"ter_attention_{tag}": 10.0,
    }
    assert eas._best_point(metrics) is None


@pytest.mark.parametrize("use_gptq", [True, False])
def test_rotated_layer_keeps_every_column(use_gptq):
    # keep equals the input width (4), so nothing is quantized to 4 bits. Kept in
    # float32 the layer must equal the float one, and in float16 be within its rounding.
    torch.manual_seed(0)
    linear = torch.nn.Linear(4, 3)
    x = torch.randn(5, 4)
    for high_dtype, tolerance in ((torch.float32, None), (torch.float16, 2e-3)):
        layer = rotation.quantize_layer(
            linear,
            x,
            torch.eye(4, dtype=torch.float64),
            keep=4,
            bits=4,
            group_size=2,
            use_gptq=use_gptq,
            high_dtype=high_dtype,
        )
        torch.testing.assert_close(
            layer(x), linear(x), atol=tolerance, rtol=tolerance
        )


@pytest.mark.parametrize("width", [4, 5])
def test_eas_positions_odd_width(width):
    table = eas.sinusoidal_positions(3, width)
    assert table.shape == (3, width)
    # At position 0 every sine is 0 and every cosine is 1.
    assert table[0].tolist() == [0.0, 1.0, 0.0, 1.0, 0.0][:width]
    # Position 1, column 0: sin(1 * 10000^0).
    assert table[1, 0].item() == pytest.approx(0.8414709848)


def test_eas_transcriber_odd_width():
    config = eas.Config(width=45, heads=5)
    model = eas.Transcriber(config).eval()
    with torch.no_grad():
        memory, kept = model.encode(torch.zeros(2, config.frames, config.features))
    assert memory.shape == (2, config.frames, 45)
    assert kept is None


@pytest.mark.parametrize(
    "module, field",
    [
        (attn_upsample, "lr"),
        (attn_upsample, "attention_lr"),
        (dirotq, "lr"),
        (dsr, "lr"),
        (dsr, "initial_threshold"),
        (eas, "lr"),
        (eas, "silence_noise"),
        (mfqat, "lr"),
        (nullhop, "lr"),
        (onebit, "lr"),
        (onebit, "weight_decay"),
    ],
)
def test_config_rejects_infinite_value(module, field):
    # inf passes a "> 0" check, and training then turns the weights into inf and NaN.
    with pytest.raises(ValueError, match=f"{field}=inf"):
        module.Config(**{field: math.inf})
