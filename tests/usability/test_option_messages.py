"""Configuration errors name the value and the option that fixes it."""

from __future__ import annotations

import pytest

from graphkit.nn import GNN
from graphkit.train.config import TrainConfig


def test_gat_width_names_options():
    with pytest.raises(ValueError, match=r"hidden width 30 for heads=4") as error:
        GNN("gat", 8, 30, 3, num_layers=2, heads=4)
    assert "--hidden" in str(error.value)
    assert "multiple of 4" in str(error.value)


@pytest.mark.parametrize("name", ["checkpoint_every", "patience"])
def test_negative_counter_names_value(name):
    with pytest.raises(ValueError, match=rf"{name} must be >= 0 .*got -2"):
        TrainConfig(**{name: -2})
