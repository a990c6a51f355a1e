"""KG training settings reject NaN and infinite values before any step runs."""

import math

import pytest

from graphkit.kg.train import TrainConfig


@pytest.mark.parametrize("name", ["lr", "weight_decay", "adversarial_temperature"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_rejected(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a finite number"):
        TrainConfig(**{name: value})


def test_negative_weight_decay_rejected():
    with pytest.raises(ValueError, match="weight_decay must be at least 0, got -0.1"):
        TrainConfig(weight_decay=-0.1)


def test_zero_weight_decay_and_temperature_accepted():
    config = TrainConfig(weight_decay=0.0, adversarial_temperature=0.0)
    assert config.weight_decay == 0.0
    assert config.adversarial_temperature == 0.0


@pytest.mark.parametrize(
    "name",
    ["steps", "batch_size", "num_negatives", "log_every", "checkpoint_every", "seed"],
)
@pytest.mark.parametrize("value", [1e4, 2.0, True, "10"])
def test_counts_must_be_whole_numbers(name, value):
    with pytest.raises(TypeError, match=f"{name} must be a whole number"):
        TrainConfig(**{name: value})


def test_numpy_integer_steps_accepted():
    import numpy as np

    assert TrainConfig(steps=np.int64(5)).steps == 5
