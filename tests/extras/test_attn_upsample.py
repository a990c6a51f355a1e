"""The attention upsampler reduces to a box-filter transposed convolution."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient.attn_upsample import AttentionUpsample2x, SuperResolver


@pytest.mark.parametrize("window", [3, 5])
def test_uniform_attention_is_box_transposed_conv(window):
    channels = 4
    layer = AttentionUpsample2x(channels, heads=2, window=window)
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.value.weight.copy_(torch.eye(channels)[:, :, None, None])
        layer.output.weight.copy_(torch.eye(channels)[:, :, None, None])
    x = torch.randn(2, channels, 7, 8, generator=torch.Generator().manual_seed(0))
    out = layer(x)
    # q = 0 gives uniform weights 1/window^2 over the low-resolution neighbors: a stride-2
    # transposed convolution with a (2 window) x (2 window) box kernel, away from borders.
    size, border = 2 * window, window - 1
    kernel = torch.zeros(channels, channels, size, size)
    for c in range(channels):
        kernel[c, c] = 1.0 / window**2
    reference = torch.nn.functional.conv_transpose2d(
        x, kernel, stride=2, padding=border
    )
    inner = (..., slice(border, -border), slice(border, -border))
    torch.testing.assert_close(out[inner], reference[inner])


def test_border_weights_renormalized():
    layer = AttentionUpsample2x(2, heads=1)
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.value.weight.copy_(torch.eye(2)[:, :, None, None])
        layer.output.weight.copy_(torch.eye(2)[:, :, None, None])
    x = torch.ones(1, 2, 3, 3)
    torch.testing.assert_close(layer(x), torch.ones(1, 2, 6, 6))


def test_parameter_budget():
    attention = SuperResolver("attention", 16, 2)
    transposed = SuperResolver("transposed", 16, 2)
    count = lambda m: sum(p.numel() for p in m.upsample.parameters())
    assert count(attention) == 4 * 16 * 16 + 4 * 9 * 16
    assert count(attention) < count(transposed)
