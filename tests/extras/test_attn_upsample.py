"""The attention upsampler reduces to a box-filter transposed convolution."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient.attn_upsample import (
    AttentionUpsample2x,
    Config,
    SuperResolver,
    bilinear_weights,
    dihedral_augment,
)


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


def test_bilinear_prior_reproduces_bilinear_upsampling():
    channels = 4
    layer = AttentionUpsample2x(
        channels, heads=2, position_bias=True, bilinear_prior=True
    )
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.value.weight.copy_(torch.eye(channels)[:, :, None, None])
        layer.output.weight.copy_(torch.eye(channels)[:, :, None, None])
        # The prior floors zero weights at 1e-2, so set exact logs to get exact bilinear weights.
        layer.position_bias.copy_(bilinear_weights(3).log().expand(2, -1, -1))
    x = torch.randn(2, channels, 6, 7, generator=torch.Generator().manual_seed(1))
    reference = torch.nn.functional.interpolate(
        x, scale_factor=2, mode="bilinear", align_corners=False
    )
    # Compare away from the border, where bilinear upsampling clamps instead of
    # renormalizing.
    inner = (..., slice(1, -1), slice(1, -1))
    torch.testing.assert_close(layer(x)[inner], reference[inner])


def test_bilinear_weights_per_phase():
    weights = bilinear_weights(3)
    assert weights.shape == (4, 9)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(4))
    # Phase (0, 0) lies up and left of the centre: neighbors (-1, -1), (-1, 0), (0, -1).
    expected = torch.zeros(9)
    expected[[0, 1, 3, 4]] = torch.tensor([0.0625, 0.1875, 0.1875, 0.5625])
    torch.testing.assert_close(weights[0], expected)


def test_phase_output_matches_transposed_conv():
    # With q = 0 and one output projection W_p per phase, the layer is a stride-2
    # transposed convolution whose 6x6 kernel contains W_p / 9 at the taps of phase p.
    channels = 3
    layer = AttentionUpsample2x(channels, heads=1, phase_output=True)
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.value.weight.copy_(torch.eye(channels)[:, :, None, None])
    kernel = torch.zeros(channels, channels, 6, 6)
    for ky in range(6):
        for kx in range(6):
            phase = 2 * (ky % 2) + kx % 2
            kernel[:, :, ky, kx] = layer.phase_output.detach()[phase].T / 9.0
    x = torch.randn(2, channels, 6, 5, generator=torch.Generator().manual_seed(2))
    reference = torch.nn.functional.conv_transpose2d(x, kernel, stride=2, padding=2)
    inner = (..., slice(2, -2), slice(2, -2))
    torch.testing.assert_close(layer(x)[inner], reference[inner])


def test_default_config_parameter_budget():
    config = Config()
    attention = SuperResolver(
        "attention", config.channels, config.heads, **config.attention_options()
    )
    transposed = SuperResolver("transposed", config.channels, config.heads)
    # The parameters are q, k, v (3 x 16 x 16), per-phase outputs 4 x 16 x 16, r
    # 4 x 9 x 16 and position bias 8 heads x 4 x 9. Add 8 temperatures and the 5x5
    # depthwise query and key context kernels (2 x 16 x 25).
    count = sum(p.numel() for p in attention.upsample.parameters())
    assert count == 3 * 256 + 4 * 256 + 576 + 288 + 8 + 800
    total = sum(p.numel() for p in attention.parameters())
    assert total < sum(p.numel() for p in transposed.parameters())


def test_context_kernel_starts_as_pointwise():
    # The depthwise context convolution starts at the identity, so a layer with
    # context_kernel=3 and the same 1x1 weights matches the plain layer at first.
    plain = AttentionUpsample2x(4, heads=2, position_bias=True, phase_output=True)
    context = AttentionUpsample2x(
        4, heads=2, position_bias=True, phase_output=True, context_kernel=3
    )
    with torch.no_grad():
        context.query[1].weight.copy_(plain.query.weight)
        context.key[1].weight.copy_(plain.key.weight)
        context.value.weight.copy_(plain.value.weight)
        context.phase_output.copy_(plain.phase_output)
    x = torch.randn(2, 4, 5, 6, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(context(x), plain(x))
    extra = sum(p.numel() for p in context.parameters()) - sum(
        p.numel() for p in plain.parameters()
    )
    assert extra == 2 * 4 * 9


@pytest.mark.parametrize("kernel", [0, 2])
def test_context_kernel_rejects_even(kernel):
    with pytest.raises(ValueError, match="context_kernel"):
        AttentionUpsample2x(4, heads=2, context_kernel=kernel)


def test_dihedral_augment_eight_symmetries():
    patch = torch.arange(4.0).reshape(1, 1, 2, 2)  # [[0, 1], [2, 3]]
    out = dihedral_augment(patch)
    assert out.shape == (8, 1, 2, 2)
    rows = {tuple(p.flatten().tolist()) for p in out}
    # The output contains every arrangement of [[0, 1], [2, 3]] under flips and
    # 90-degree rotations and no other. These are the 8 corner orders that keep 0 and 3
    # on a diagonal.
    assert rows == {
        (0, 1, 2, 3),
        (1, 0, 3, 2),
        (0, 2, 1, 3),
        (2, 0, 3, 1),
        (2, 3, 0, 1),
        (3, 2, 1, 0),
        (1, 3, 0, 2),
        (3, 1, 2, 0),
    }
    torch.testing.assert_close(out[0], patch[0])


def test_config_rejects_zero_seeds():
    with pytest.raises(ValueError, match="seeds=0"):
        Config(seeds=0)


def test_guide_supplies_queries():
    # In joint upsampling the queries come from a guide image. A guide equal to the
    # bilinear upsampling reproduces the self-queried output, and another guide changes
    # the output.
    torch.manual_seed(4)
    layer = AttentionUpsample2x(4, heads=2, position_bias=True, phase_output=True)
    x = torch.randn(1, 4, 5, 5)
    bilinear = torch.nn.functional.interpolate(
        x, scale_factor=2, mode="bilinear", align_corners=False
    )
    self_queried = layer(x)
    torch.testing.assert_close(layer(x, guide=bilinear), self_queried)
    other = layer(x, guide=torch.randn(1, 4, 10, 10))
    assert not torch.allclose(other, self_queried)
