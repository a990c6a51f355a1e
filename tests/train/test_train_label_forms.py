"""Trainer labels: a [N, 1] column trains like [N], and float labels get a fitting fix."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def cycle_data(y: torch.Tensor) -> Data:
    """Eight nodes on a cycle: nodes 0-3 train, 4-5 validate, 6-7 test."""
    n = 8
    masks = torch.zeros(3, n, dtype=torch.bool)
    masks[0, :4], masks[1, 4:6], masks[2, 6:] = True, True, True
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        y=y,
        edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


def fit(data: Data, **options) -> dict:
    config = TrainConfig(epochs=3, hidden=4, patience=0, **options)
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    summary = trainer.fit()
    summary["weights"] = [p.detach().clone() for p in trainer.model.parameters()]
    return summary


@pytest.mark.parametrize("classes", [2, 3])  # roc_auc and accuracy
def test_column_labels_train_like_vector(classes):
    y = torch.arange(8) % classes
    column = fit(cycle_data(y.view(-1, 1)))
    vector = fit(cycle_data(y))
    for left, right in zip(column.pop("weights"), vector.pop("weights")):
        assert torch.equal(left, right)
    assert column == vector


def test_column_labels_negative_in_split_rejected():
    y = (torch.arange(8) % 3).view(-1, 1)
    y[1, 0] = -1
    with pytest.raises(ValueError, match="negative labels"):
        fit(cycle_data(y))


def test_two_column_class_ids_rejected():
    # Two columns are binary tasks, and column 1 contains class ids up to 2.
    y = torch.stack([torch.arange(8) % 2, torch.arange(8) % 3], 1)
    with pytest.raises(ValueError, match=r"shape \(8, 2\).*node 2 has the value 2 for task 1"):
        fit(cycle_data(y))


def test_three_dimensional_labels_rejected():
    y = (torch.arange(32) % 2).view(8, 2, 2)
    with pytest.raises(ValueError, match=r"invalid labels: .* got y of shape \(8, 2, 2\)"):
        fit(cycle_data(y))


def test_whole_float_labels_suggest_long():
    with pytest.raises(TypeError, match=r"whole numbers, so convert it with data.y = data.y.long\(\)"):
        fit(cycle_data((torch.arange(8) % 3).float()))


def test_nan_labels_suggest_minus_one():
    y = (torch.arange(8) % 3).float()
    y[5] = float("nan")
    with pytest.raises(TypeError, match=r"1 NaN or infinite values \(first at node 5\)") as error:
        fit(cycle_data(y))
    assert "Mark unlabelled nodes with -1" in str(error.value)
    assert "long()" in str(error.value)


def test_fractional_labels_name_regression():
    y = (torch.arange(8) % 3).float()
    y[2] = 0.25
    with pytest.raises(TypeError, match=r"fractional values such as 0.25 \(node 2\)") as error:
        fit(cycle_data(y))
    assert "does no regression" in str(error.value)
    assert "data.y.long()" not in str(error.value)
