"""Quasi-periodic samplers with inputs |u| beyond the range of exp."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from graphkit.extras.spiking import quasiperiodic


def test_sigmoid_saturates_without_overflow():
    assert quasiperiodic._sigmoid(-1000.0) == 0.0
    assert quasiperiodic._sigmoid(1000.0) == 1.0
    assert quasiperiodic._sigmoid(0.0) == 0.5
    assert abs(quasiperiodic._sigmoid(-2.0) - 1.0 / (1.0 + np.exp(2.0))) < 1e-15


def test_rate_ratio_finite_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ratio = quasiperiodic.logistic_rate_ratio(np.array([-1000.0, 0.0, 1000.0]))
    assert np.all(np.isfinite(ratio))
    assert np.all(ratio > 0)
    assert ratio[1] == 1.0
    # The "on" fraction r/2 (u <= 0) or 1 - 1/(2r) (u > 0) is sigma(u) of u clipped to
    # [-50, 50]: sigma(-50) is about 2e-22, and sigma(50) is 1 to double precision.
    assert ratio[0] / 2.0 < 1e-20
    assert 1.0 - 1.0 / (2.0 * ratio[2]) == 1.0


def test_two_oscillators_finite_for_huge_weights():
    coupling = np.array([[0.0, 1000.0], [1000.0, 0.0]])
    bias = np.array([-800.0, 5.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dwell = quasiperiodic.run_two_oscillators(
            coupling,
            bias,
            np.array([1.0, 1.3]),
            np.array([[0.1, 0.7], [0.4, 0.2]]),
            events=200,
            visible=2,
        )
    assert np.all(np.isfinite(dwell))
    assert abs(dwell.sum() - 200.0) < 1e-9


def test_run_with_large_weight_std():
    config = quasiperiodic.Config(
        weight_std=500.0,
        events=2000,
        oscillator_events=500,
        sweep_points=3,
        sweep_events=100,
    )
    metrics = quasiperiodic.run(config)
    assert all(np.isfinite(value) for value in metrics.values())


@pytest.mark.parametrize("name", ["weight_std", "bias_std"])
@pytest.mark.parametrize("value", [math.inf, -1.0])
def test_infinite_or_negative_std_rejected(name, value):
    with pytest.raises(ValueError, match=f"{name}={value} is invalid"):
        quasiperiodic.Config(**{name: value})
