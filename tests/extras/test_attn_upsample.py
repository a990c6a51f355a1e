"""Attention upsamplers: reductions to transposed convolutions, priors and budgets."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from graphkit.extras.efficient.attn_upsample import (
    AttentionUpsample2x,
    Config,
    DynamicTapsUpsample2x,
    SuperResolver,
    bilinear_weights,
    dihedral_augment,
    peaked_prior,
)
from graphkit.extras.efficient.sr_protocol import (
    even_crop,
    random_dihedral,
    shaved_psnr,
    whole_image_psnr,
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


def _taps_from_transposed(weight: torch.Tensor) -> torch.Tensor:
    """Return the (phase, head, C_out, C_in) matrices that make 4 one-hot heads a
    ConvTranspose2d(k=4, stride=2, padding=1) with ``weight`` (C_in, C_out, 4, 4).

    Head h = 2u + v reads the low-resolution pixel (i + u s_a, j + v s_b), where s_a is
    -1 for output row 2i (a = 0) and +1 for row 2i + 1 (a = 1). The transposed
    convolution adds x(i') w[:, :, ky] to output row 2i' - 1 + ky, so that pixel uses
    ky = a + 1 - 2 u s_a (and kx alike).
    """
    taps = torch.zeros(4, 4, weight.shape[1], weight.shape[0])
    for a in (0, 1):
        for b in (0, 1):
            side_a, side_b = (-1 if a == 0 else 1), (-1 if b == 0 else 1)
            for u in (0, 1):
                for v in (0, 1):
                    ky, kx = a + 1 - 2 * u * side_a, b + 1 - 2 * v * side_b
                    taps[2 * a + b, 2 * u + v] = weight[:, :, ky, kx].T
    return taps


def _one_hot_logits(offsets: list[list[tuple[int, int]]]) -> torch.Tensor:
    """Return logits (heads, 4, 9) of 0 on the 3x3-window offset offsets[head][phase]
    and -1e4 elsewhere."""
    logits = torch.full((len(offsets), 4, 9), -1e4)
    for head, per_phase in enumerate(offsets):
        for phase, (dy, dx) in enumerate(per_phase):
            logits[head, phase, 3 * (dy + 1) + (dx + 1)] = 0.0
    return logits


def test_one_hot_taps_equal_transposed_conv():
    # Four heads with q = k = 0 and attention one-hot on the 4 bilinear neighbors of
    # each phase give exactly a 4x4 stride-2 transposed convolution. The check skips
    # the border, where the transposed convolution reads zeros and attention
    # renormalizes.
    channels = 3
    gen = torch.Generator().manual_seed(5)
    transposed = torch.nn.ConvTranspose2d(channels, channels, 4, stride=2, padding=1)
    with torch.no_grad():
        transposed.weight.copy_(torch.randn(channels, channels, 4, 4, generator=gen))
        transposed.bias.copy_(torch.randn(channels, generator=gen))
    layer = DynamicTapsUpsample2x(channels, heads=4, key_dim=2)
    offsets = [
        [
            (u * (-1 if a == 0 else 1), v * (-1 if b == 0 else 1))
            for a in (0, 1)
            for b in (0, 1)
        ]
        for u in (0, 1)
        for v in (0, 1)
    ]
    with torch.no_grad():
        layer.query.weight.zero_()
        layer.taps.copy_(_taps_from_transposed(transposed.weight))
        layer.bias.copy_(transposed.bias)
        layer.position_bias.copy_(_one_hot_logits(offsets))
    x = torch.randn(2, channels, 6, 7, generator=gen)
    inner = (..., slice(2, -2), slice(2, -2))
    torch.testing.assert_close(layer(x)[inner], transposed(x)[inner])


def test_taps_prior_peaks_on_bilinear_neighbors():
    prior = peaked_prior(3, 5)
    assert prior.shape == (5, 4, 9)
    # Phase (0, 0) ranks its neighbors (0, 0), (-1, 0), (0, -1), (-1, -1): window
    # positions 4, 1, 3, 0. Head 4 wraps around to the first one.
    peaks = prior[:, 0].argmax(dim=1).tolist()
    assert peaks == [4, 1, 3, 0, 4]
    # Phase (1, 1) ranks (0, 0), (0, 1), (1, 0), (1, 1): positions 4, 5, 7, 8.
    assert prior[:, 3].argmax(dim=1).tolist() == [4, 5, 7, 8, 4]
    assert (prior == 0).sum() == 5 * 4


def test_shared_taps_and_parameter_count():
    layer = DynamicTapsUpsample2x(16, heads=3, key_dim=4, shared_output=True)
    per_phase = DynamicTapsUpsample2x(16, heads=3, key_dim=4)
    count = lambda m: sum(p.numel() for p in m.parameters())
    # q and k 2 x 16 x 12, position logits 3 x 4 x 9, output bias 16, and the taps.
    assert count(per_phase) == 2 * 192 + 108 + 16 + 4 * 3 * 256
    assert count(layer) == 2 * 192 + 108 + 16 + 3 * 256
    # With shared taps, a constant input (inside the image) gives the same output in
    # every phase, because each head's attention weights sum to 1.
    x = torch.ones(1, 16, 5, 5)
    out = layer(x)[..., 2:8, 2:8]
    torch.testing.assert_close(out, out[..., :1, :1].expand_as(out))


def test_taps_image_query_guides_attention():
    # The image guide starts at zero, so the output matches the layer without it. The
    # layer requires the image. Once the guide weights are not zero, a different image
    # changes the output.
    torch.manual_seed(6)
    layer = DynamicTapsUpsample2x(4, heads=2, key_dim=2, image_query=3)
    plain = DynamicTapsUpsample2x(4, heads=2, key_dim=2)
    plain.load_state_dict(
        {k: v for k, v in layer.state_dict().items() if not k.startswith("image_query")}
    )
    x, image = torch.randn(1, 4, 5, 5), torch.randn(1, 1, 10, 10)
    torch.testing.assert_close(layer(x, image=image), plain(x))
    with pytest.raises(ValueError, match="missing image"):
        layer(x)
    with torch.no_grad():
        layer.image_query.weight.normal_()
    assert not torch.allclose(layer(x, image=image), layer(x, image=-image))


def test_config_taps_form_within_budget():
    # The best taps setting on validation: 3 heads, 2 query/key channels, no context.
    config = Config(form="taps", heads=3, key_dim=2, context_kernel=1)
    attention = SuperResolver(
        "attention", config.channels, config.heads, **config.attention_options()
    )
    transposed = SuperResolver("transposed", config.channels, config.heads)
    assert isinstance(attention.upsample, DynamicTapsUpsample2x)
    # q, k 2 x 16 x 6, taps 4 x 3 x 16 x 16, logits 3 x 4 x 9, bias 16, 3 temperatures.
    count = sum(p.numel() for p in attention.upsample.parameters())
    assert count == 192 + 3072 + 108 + 16 + 3
    total = sum(p.numel() for p in attention.parameters())
    assert total < sum(p.numel() for p in transposed.parameters())
    with pytest.raises(ValueError, match="form='bogus'"):
        Config(form="bogus")


def test_attention_lr_reaches_attention_model_only(monkeypatch):
    from graphkit.extras.efficient import attn_upsample

    used = {}

    def record(model, high, config, generator, lr=None):
        used[model.upsample.__class__.__name__] = lr

    monkeypatch.setattr(attn_upsample, "_fit", record)
    # Whole-picture scoring of the untrained models is slow and not under test here.
    monkeypatch.setattr(
        attn_upsample, "load_whole_images", lambda names: [torch.rand(1, 1, 8, 8)]
    )
    config = Config.smoke()
    config.lr, config.attention_lr = 1e-3, 5e-3
    attn_upsample._run_seed(config, 0)
    assert used["ConvTranspose2d"] == 1e-3
    assert used["AttentionUpsample2x"] == 5e-3
    config.attention_lr = 0.0
    attn_upsample._run_seed(config, 0)
    assert used["AttentionUpsample2x"] == 1e-3
    with pytest.raises(ValueError, match="attention_lr=-1"):
        Config(attention_lr=-1.0)


def test_shaved_psnr_ignores_border():
    # Error 1 on the outer 2-pixel ring and 0.1 inside: with the ring shaved, the MSE
    # is 0.01 (20 dB). Without shaving it is (48 * 1 + 16 * 0.01) / 64.
    reference = torch.zeros(1, 1, 8, 8)
    estimate = torch.ones(1, 1, 8, 8)
    estimate[..., 2:6, 2:6] = 0.1
    assert shaved_psnr(estimate, reference, shave=2) == pytest.approx(20.0)
    expected = 10 * math.log10(64 / (48 + 0.16))
    assert shaved_psnr(estimate, reference, shave=0) == pytest.approx(expected)
    assert shaved_psnr(reference, reference, shave=1) == float("inf")


def test_shaved_psnr_rejects_bad_inputs():
    image = torch.zeros(1, 1, 6, 8)
    with pytest.raises(ValueError, match="shave=3"):
        shaved_psnr(image, image, shave=3)
    with pytest.raises(
        ValueError,
        match=r"shape \(1, 1, 6, 8\) differs from reference shape \(1, 1, 6, 6\)",
    ):
        shaved_psnr(image, torch.zeros(1, 1, 6, 6), shave=1)


def test_even_crop_drops_odd_row_and_column():
    image = torch.arange(35.0).reshape(1, 1, 5, 7)
    cropped = even_crop(image)
    assert cropped.shape == (1, 1, 4, 6)
    torch.testing.assert_close(cropped, image[..., :4, :6])


def test_whole_image_psnr_shaves_border_blocks():
    # The image is constant on each 2x2 block except on its 2-pixel border ring, so
    # nearest upsampling of the area-downsampled image is exact inside the ring.
    gen = torch.Generator().manual_seed(7)
    blocks = torch.rand(1, 1, 5, 6, generator=gen)
    image = blocks.repeat_interleave(2, -2).repeat_interleave(2, -1)
    image[..., :2, :] = torch.rand(1, 1, 2, 12, generator=gen)
    image[..., -2:, :] = torch.rand(1, 1, 2, 12, generator=gen)

    def nearest(low):
        return torch.nn.functional.interpolate(low, scale_factor=2, mode="nearest")

    assert whole_image_psnr(nearest, [image], shave=2) == float("inf")
    assert whole_image_psnr(nearest, [image], shave=0) < 40.0
    # Unshaved, each pixel's error is its deviation from the mean of its 2x2 block.
    pixels = image[0, 0].tolist()
    squared = 0.0
    for row in range(0, 10, 2):
        for col in range(0, 12, 2):
            block = [pixels[r][c] for r in (row, row + 1) for c in (col, col + 1)]
            squared += sum((v - sum(block) / 4) ** 2 for v in block)
    expected = 10 * math.log10(1 / (squared / 120))
    unshaved = whole_image_psnr(nearest, [image], shave=0)
    assert unshaved == pytest.approx(expected, rel=1e-5)
    # The score is the mean of the per-image scores.
    other = torch.full((1, 1, 6, 6), 0.5)
    other[..., 2:4, 2:4] = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    mean = whole_image_psnr(nearest, [other, other], shave=2)
    assert mean == pytest.approx(10 * math.log10(1 / 0.25))


def test_random_dihedral_draws_each_transform():
    patches = torch.arange(4.0).reshape(1, 1, 2, 2).repeat(64, 1, 1, 1)
    out = random_dihedral(patches, torch.Generator().manual_seed(8))
    rows = [tuple(p.flatten().tolist()) for p in out]
    # Each output is one of the 8 arrangements, and 64 draws reach all of them.
    allowed = {tuple(p.flatten().tolist()) for p in dihedral_augment(patches[:1])}
    assert set(rows) == allowed
    again = random_dihedral(patches, torch.Generator().manual_seed(8))
    torch.testing.assert_close(again, out)


def test_config_validation_split():
    train, scored = Config(validate=True).split()
    assert train == ("camera", "coins", "moon")
    assert scored == ("astronaut",)
    assert Config().split() == (Config().train_images, Config().test_images)
    smoke = dataclasses.replace(Config.smoke(), validate=True)
    assert smoke.split() == (("camera",), ("moon",))
    with pytest.raises(ValueError, match="validation_image='coffee'"):
        Config(validate=True, validation_image="coffee")
    with pytest.raises(ValueError, match="loss='huber'"):
        Config(loss="huber")
    with pytest.raises(ValueError, match="random_augment"):
        Config(augment=True, random_augment=True)
    with pytest.raises(ValueError, match="joint=true"):
        Config(joint=True, form="taps", heads=3)


def test_fit_uses_configured_loss(monkeypatch):
    from graphkit.extras.efficient import attn_upsample

    calls = []
    l1 = torch.nn.functional.l1_loss

    def record(estimate, target):
        calls.append(estimate.shape)
        return l1(estimate, target)

    monkeypatch.setattr(torch.nn.functional, "l1_loss", record)
    config = Config(
        loss="l1", augment=False, random_augment=True, epochs=1, batch_size=4
    )
    model = SuperResolver("transposed", 4, 2)
    high = torch.rand(8, 1, 8, 8, generator=torch.Generator().manual_seed(9))
    attn_upsample._fit(model, high, config, torch.Generator().manual_seed(0))
    assert calls == [(4, 1, 8, 8), (4, 1, 8, 8)]


def test_shaved_psnr_uses_squared_data_range():
    # Error 10 everywhere on a 0..255 scale: 10 log10(255^2 / 100).
    estimate = torch.full((1, 1, 4, 4), 10.0)
    expected = 10 * math.log10(255.0**2 / 100.0)
    score = shaved_psnr(estimate, torch.zeros(1, 1, 4, 4), shave=1, data_range=255.0)
    assert score == pytest.approx(expected)


def test_whole_image_psnr_clamps_output():
    # The upsampler returns 2 everywhere. Clamped to 1 against an image of 0.5, the
    # MSE is 0.25 (6.02 dB). Unclamped, it would be 2.25.
    image = torch.full((1, 1, 8, 8), 0.5)

    def too_bright(low):
        return torch.full((1, 1, 8, 8), 2.0)

    score = whole_image_psnr(too_bright, [image], shave=2)
    assert score == pytest.approx(10 * math.log10(1 / 0.25))
