"""Validation of the KG training settings."""

import pytest

from graphkit.kg.train import TrainConfig


@pytest.mark.parametrize("value", [0, -1])
def test_log_every_below_one_rejected(value):
    # Unchecked, log_every=0 fails only after the first optimizer step, on step % 0.
    with pytest.raises(ValueError, match=f"log_every must be at least 1, got {value}"):
        TrainConfig(log_every=value)
