"""Attention upsamplers on awkward inputs: guide shapes, batches, odd sizes, bfloat16."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient.attn_upsample import (
    AttentionUpsample2x,
    Config,
    DynamicTapsUpsample2x,
)
from graphkit.extras.efficient.joint_upsample import JointUpsampler


def _projected() -> AttentionUpsample2x:
    torch.manual_seed(0)
    return AttentionUpsample2x(16, 8, **Config().attention_options())


def _taps() -> DynamicTapsUpsample2x:
    torch.manual_seed(0)
    return DynamicTapsUpsample2x(16, 3, image_query=3)


def test_guide_of_wrong_sides_rejected():
    x = torch.randn(2, 16, 5, 7)
    # (20, 7) has as many pixels as the expected (10, 14), so only a check can catch it.
    swapped = torch.randn(2, 16, 20, 7)
    with pytest.raises(ValueError, match=r"guide has shape \(2, 16, 20, 7\)"):
        _projected()(x, guide=swapped)
    with pytest.raises(
        ValueError, match=r"needs a guide of shape \(2, channels, 10, 14\)"
    ):
        _taps()(x, guide=swapped, image=torch.randn(2, 1, 10, 14))
    with pytest.raises(ValueError, match=r"image has shape \(2, 1, 20, 7\)"):
        _taps()(x, image=torch.randn(2, 1, 20, 7))


def test_guide_of_wrong_batch_rejected():
    x = torch.randn(2, 16, 5, 7)
    with pytest.raises(ValueError, match=r"guide has shape \(1, 16, 10, 14\)"):
        _projected()(x, guide=torch.randn(1, 16, 10, 14))


def test_joint_upsampler_rejects_guide_size():
    model = JointUpsampler(_projected(), 16, guided=True)
    low = torch.randn(1, 1, 6, 6)
    with pytest.raises(ValueError, match="guide has shape"):
        model(low, torch.randn(1, 1, 6, 6))
    assert model(low, torch.randn(1, 1, 12, 12)).shape == (1, 1, 12, 12)


@pytest.mark.parametrize("make", [_projected, _taps])
def test_batch_equals_single_samples(make):
    layer = make().eval()
    x = torch.randn(3, 16, 5, 7, generator=torch.Generator().manual_seed(1))
    image = torch.randn(3, 1, 10, 14, generator=torch.Generator().manual_seed(2))
    options = {"image": image} if isinstance(layer, DynamicTapsUpsample2x) else {}
    with torch.no_grad():
        batch = layer(x, **options)
        for i in range(3):
            single = {k: v[i : i + 1] for k, v in options.items()}
            torch.testing.assert_close(batch[i : i + 1], layer(x[i : i + 1], **single))


def test_projected_layer_runs_in_bfloat16():
    layer = _projected()
    x = torch.randn(2, 16, 5, 7, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        reference = layer(x)
        out = layer.to(torch.bfloat16)(x.to(torch.bfloat16))
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), reference, atol=0.1, rtol=0.05)


@pytest.mark.parametrize("window", [3, 5])
def test_uniform_attention_averages_inside_neighbors(window):
    layer = AttentionUpsample2x(2, heads=1, window=window)
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.value.weight.copy_(torch.eye(2)[:, :, None, None])
        layer.output.weight.copy_(torch.eye(2)[:, :, None, None])
    x = torch.randn(2, 2, 4, 5, generator=torch.Generator().manual_seed(4))
    out = layer(x)
    radius = window // 2
    # Every phase of output (2i + a, 2j + b) is the mean of the window around (i, j)
    # cut to the image, borders included.
    for i in range(4):
        for j in range(5):
            rows = slice(max(0, i - radius), i + radius + 1)
            columns = slice(max(0, j - radius), j + radius + 1)
            mean = x[:, :, rows, columns].mean((-1, -2))
            block = out[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            torch.testing.assert_close(block, mean[..., None, None].expand_as(block))


@pytest.mark.parametrize("heads", [0, -2])
def test_projected_rejects_heads_below_one(heads):
    with pytest.raises(ValueError) as caught:
        AttentionUpsample2x(16, heads)
    assert (
        str(caught.value) == f"invalid heads={heads}: use a positive number such as 8"
    )
