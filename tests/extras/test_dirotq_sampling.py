"""DiRotQ pieces: DDIM after clamping x0, and rotations from few calibration samples."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.efficient import dirotq
from graphkit.extras.efficient.rotation import (
    RotatedQuantLinear,
    dirotq_rotation,
    quantize_layer,
)


class _ConstantNoise(torch.nn.Module):
    """Predicts the noise -10 everywhere and records its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self.inputs.append(x.clone())
        return torch.full_like(x, -10.0)


def test_ddim_step_uses_noise_of_clamped_x0():
    config = dirotq.Config(diffusion_steps=10, sample_steps=2)
    bars = dirotq.alpha_bars(10)
    noise = torch.zeros(1, 1, 8, 8)
    model = _ConstantNoise()
    out = dirotq.ddim_sample(model, noise, config)
    # At t = 9, x0 = (0 + 10 sqrt(1 - ab_9)) / sqrt(ab_9) exceeds 1.5 and is clamped.
    # The noise then follows from x_9 = 0 and x0 = 1.5, not from the model's -10.
    eps = (0.0 - bars[9].sqrt() * 1.5) / (1 - bars[9]).sqrt()
    x_0 = bars[0].sqrt() * 1.5 + (1 - bars[0]).sqrt() * eps
    torch.testing.assert_close(model.inputs[1], torch.full_like(noise, float(x_0)))
    # The last step goes to alpha_bar = 1, so the sample is that step's clamped x0.
    last = ((x_0 + 10.0 * (1 - bars[0]).sqrt()) / bars[0].sqrt()).clamp(-1.5, 1.5)
    torch.testing.assert_close(out, torch.full_like(noise, float(last)))


def test_rotation_from_few_samples_is_exact():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 16, generator=g)  # 3 samples for 16 inputs: a rank-3 moment
    linear = torch.nn.Linear(16, 4)
    moment = x.double().T @ x.double() / len(x)
    rotation = dirotq_rotation(moment, keep=2, generator=g)
    eye = torch.eye(16, dtype=torch.float64)
    torch.testing.assert_close(rotation.T @ rotation, eye)
    layer = RotatedQuantLinear(linear, rotation, keep=2, act_bits=None)
    probe = torch.randn(5, 16, generator=g)
    torch.testing.assert_close(layer(probe), linear(probe), atol=1e-5, rtol=1e-5)
    quantized = quantize_layer(linear, x, rotation, keep=2, bits=4, group_size=8)
    assert torch.isfinite(quantized(probe)).all()


def test_collect_inputs_removes_hooks_on_failure():
    model = dirotq.TinyDiT(8, 1, 2)
    # The 7 x 7 images do not split into 2 x 2 patches, so the forward pass fails
    # after the hooks are in place.
    with pytest.raises(RuntimeError, match="is invalid for input of size 98"):
        dirotq.collect_inputs(model, torch.zeros(2, 1, 7, 7), torch.zeros(2).long())
    for name in dirotq.QUANTIZED_LINEARS:
        assert not getattr(model.blocks[0], name)._forward_hooks
    captured = dirotq.collect_inputs(
        model, torch.zeros(2, 1, 8, 8), torch.zeros(2).long()
    )
    assert captured["blocks.0.qkv"].shape == (32, 8)


def test_top_energy_share_hand_value():
    # X^T X / 4 = diag(4, 3, 2, 1), damped by 0.01 * 2.5 = 0.025. keep_fraction 0.7
    # keeps round(2.8) = 3 of the 4 eigenvalues, the largest ones. The eigenvalues
    # come back in ascending order, so the second value is 1.0.
    inputs = 2.0 * torch.diag(torch.tensor([4.0, 3.0, 2.0, 1.0]).sqrt())
    share, ascending = dirotq._top_energy({"layer": inputs}, 0.7)
    assert share == pytest.approx((4.025 + 3.025 + 2.025) / 10.1)
    assert ascending == 1.0
