"""Spiking pieces at their limits: extreme potentials, float64 input, sample counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from graphkit.extras.spiking import local_errors, quasiperiodic, wta_stochastic
from graphkit.extras.spiking.encoders import latency_spikes, poisson_spikes
from graphkit.extras.spiking.neurons import spike


def test_fast_sigmoid_gradient_finite_at_extremes():
    x = torch.tensor([-math.inf, -1e30, -5.0, 0.0, 5.0, 1e30, math.inf])
    x.requires_grad_(True)
    spike(x, "fast_sigmoid", scale=100.0).sum().backward()
    assert torch.isfinite(x.grad).all()
    # The gradient 1 / (100 |x| + 1)^2 is 1 at x = 0, 1 / 501^2 at |x| = 5 and 0 at
    # |x| = inf.
    assert x.grad[3] == 1.0
    assert x.grad[2] == pytest.approx(1 / 501**2)
    assert x.grad[0] == 0.0
    assert x.grad[-1] == 0.0


def test_encoders_keep_float64():
    x = torch.tensor([[0.0, 0.5, 1.0]], dtype=torch.float64)
    assert latency_spikes(x, 5).dtype == torch.float64
    assert poisson_spikes(x, 5).dtype == torch.float64


def test_wta_rejects_single_eval_sample():
    with pytest.raises(ValueError, match="eval_samples=1"):
        wta_stochastic.Config(eval_samples=1)


def test_kl_to_empirical_zero_probability_state():
    exact = np.array([0.5, 0.5, 0.0])
    counts = np.array([1.0, 1.0, 0.0])
    # empirical = (1.5, 1.5, 0.5) / 3.5. The zero-probability state adds 0 log 0 = 0.
    expected = 2 * 0.5 * math.log(0.5 / (1.5 / 3.5))
    assert quasiperiodic.kl_to_empirical(exact, counts) == pytest.approx(expected)


def test_local_errors_fixed_matrices_in_state_dict():
    model = local_errors.LocalMLP(8, "local_errors", torch.Generator().manual_seed(0))
    other = local_errors.LocalMLP(8, "local_errors", torch.Generator().manual_seed(1))
    other.load_state_dict(model.state_dict())
    x, y = torch.randn(4, 64), torch.tensor([0, 1, 2, 3])
    for mine, theirs in zip(
        local_errors.local_losses(model, x, y), local_errors.local_losses(other, x, y)
    ):
        torch.testing.assert_close(mine, theirs)
    for mine, theirs in zip(model.feedback, other.feedback):
        assert torch.equal(mine, theirs)


def test_local_errors_double_precision():
    model = local_errors.LocalMLP(8, "feedback_alignment", torch.Generator())
    model = model.double()
    assert all(m.dtype == torch.float64 for m in model.classifiers)
    assert model(torch.randn(2, 64, dtype=torch.float64)).dtype == torch.float64
