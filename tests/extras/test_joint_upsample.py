"""Joint attention upsampling: data pairs, patch alignment and the guide path."""

from __future__ import annotations

import math

import pytest
import torch
from graphkit.extras.common.data import load_gray_image
from graphkit.extras.efficient.attn_upsample import AttentionUpsample2x, Config
from graphkit.extras.efficient.joint_upsample import (
    JointUpsampler,
    depth_like_pair,
    joint_psnr,
    pair_patches,
)


def test_depth_like_pair_crops_and_smooths():
    pair = depth_like_pair("coins")  # 303 x 384 gray picture
    assert pair.shape == (2, 302, 384)
    gray = torch.from_numpy(load_gray_image("coins"))[:302]
    torch.testing.assert_close(pair[0], gray)
    # Total-variation smoothing flattens the picture: smaller mean absolute gradient.
    gradient = lambda image: (image[:, 1:] - image[:, :-1]).abs().mean()
    assert gradient(pair[1]) < 0.8 * gradient(pair[0])


def test_pair_patches_aligned_and_even():
    rows = torch.arange(20.0)[:, None].expand(20, 16)
    cols = torch.arange(16.0)[None, :].expand(20, 16)
    pair = torch.stack([rows * 100 + cols, rows * 100 + cols + 1])
    patches = pair_patches([pair], size=6, count=50, seed=0)
    assert patches.shape == (50, 2, 6, 6)
    # Both channels come from the same position, and that position is even, so 2x
    # area downsampling of a patch matches that of the whole picture.
    torch.testing.assert_close(patches[:, 1] - patches[:, 0], torch.ones(50, 6, 6))
    corners = patches[:, 0, 0, 0]
    assert torch.all((corners // 100) % 2 == 0)
    assert torch.all((corners % 100) % 2 == 0)
    assert len(set(corners.tolist())) > 10


def test_guide_reaches_only_guided_model():
    torch.manual_seed(10)
    config = Config()

    def build(guided):
        upsample = AttentionUpsample2x(4, 2, **config.attention_options())
        model = JointUpsampler(upsample, 4, guided)
        with torch.no_grad():
            model.head.weight.normal_()
        return model

    low = torch.rand(1, 1, 6, 6)
    guides = torch.rand(1, 1, 12, 12), torch.rand(1, 1, 12, 12)
    plain = build(False)
    torch.testing.assert_close(plain(low, guides[0]), plain(low, guides[1]))
    guided = build(True)
    assert not torch.allclose(guided(low, guides[0]), guided(low, guides[1]))
    assert (
        sum(p.numel() for p in guided.parameters())
        - sum(p.numel() for p in plain.parameters())
        == 4 * 9 + 4
    )


def test_joint_psnr_bicubic_of_constant_map():
    pair = torch.stack([torch.rand(8, 8), torch.full((8, 8), 0.25)])
    assert joint_psnr(None, [pair], shave=2) == float("inf")


def test_pair_patches_cycle_over_pairs():
    # Patch i comes from pair i % 2, which the constant value of the patch identifies.
    pairs = [torch.zeros(2, 8, 8), torch.ones(2, 8, 8)]
    patches = pair_patches(pairs, size=4, count=4, seed=0)
    assert patches.amax(dim=(1, 2, 3)).tolist() == [0.0, 1.0, 0.0, 1.0]


def test_joint_psnr_clamps_estimate():
    # joint_psnr clamps the output 2 of this model to 1, so against a map of 0.5 the
    # MSE is 0.25 (6.02 dB). Unclamped, the MSE would be 2.25.
    class TooBright(torch.nn.Module):
        def forward(self, low, guide):
            return torch.full_like(guide, 2.0)

    pair = torch.stack([torch.rand(8, 8), torch.full((8, 8), 0.5)])
    score = joint_psnr(TooBright(), [pair], shave=2)
    assert score == pytest.approx(10 * math.log10(1 / 0.25))
