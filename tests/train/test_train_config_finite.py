"""TrainConfig rejects NaN and infinite learning rates, weight decays and timeouts."""

import math

import pytest

from graphkit.train.config import TrainConfig


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 0.0, -0.1])
@pytest.mark.parametrize("name", ["lr", "timeout_s"])
def test_non_positive_or_infinite_rejected(name, value):
    with pytest.raises(ValueError, match=f"{name} must be positive and finite, got"):
        TrainConfig(**{name: value})


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0])
def test_weight_decay_rejected(value):
    with pytest.raises(ValueError, match="weight_decay must be >= 0 and finite, got"):
        TrainConfig(weight_decay=value)


def test_finite_values_accepted():
    config = TrainConfig(lr=1e-3, timeout_s=0.5, weight_decay=0.0)
    assert config.lr == 1e-3
    assert config.timeout_s == 0.5
    assert config.weight_decay == 0.0
