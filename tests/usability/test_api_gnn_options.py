"""GNN rejects widths and dropout probabilities that cannot form a model."""

from __future__ import annotations

import pytest

from graphkit.nn import GNN


@pytest.mark.parametrize(
    "name, widths",
    [
        ("in_channels", (0, 8, 3)),
        ("hidden_channels", (4, 0, 3)),
        ("out_channels", (4, 8, -1)),
    ],
)
def test_non_positive_width_rejected(name, widths):
    with pytest.raises(
        ValueError, match=f"{name} must be at least 1, got {min(widths)}"
    ):
        GNN("gcn", *widths)


def test_one_layer_ignores_hidden_width():
    assert GNN("gcn", 4, 0, 3, num_layers=1).layers[0].lin.out_features == 3


@pytest.mark.parametrize("option", ["dropout", "attention_dropout"])
@pytest.mark.parametrize("value", [-0.5, 1.5])
def test_dropout_range_checked(option, value):
    with pytest.raises(
        ValueError, match=rf"{option} must lie in \[0, 1\], got {value}"
    ):
        GNN("gat", 4, 8, 3, **{option: value})


@pytest.mark.parametrize("model", ["gat", "pgcn"])
@pytest.mark.parametrize("heads", [0, -2])
def test_non_positive_heads_rejected(model, heads):
    with pytest.raises(ValueError, match=f"heads must be at least 1, got {heads}"):
        GNN(model, 4, 8, 3, heads=heads)
