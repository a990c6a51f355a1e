"""Trainer rejects node fields of the wrong length or dtype before training."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer

NUM_NODES = 6


def _data(**fields) -> Data:
    masks = torch.zeros(3, NUM_NODES, dtype=torch.bool)
    masks[0, [0, 1]] = True
    masks[1, [2, 3]] = True
    masks[2, [4, 5]] = True
    data = Data(
        x=torch.eye(NUM_NODES),
        y=torch.tensor([0, 1, 0, 1, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
        num_nodes=NUM_NODES,
    )
    for name, value in fields.items():
        data[name] = value
    return data


def _trainer(data: Data) -> Trainer:
    config = TrainConfig(epochs=1, log_every=100, patience=0, metric="accuracy")
    return Trainer(config, data, LocalGraph(data.edge_index, NUM_NODES))


@pytest.mark.parametrize(
    "name, rows", [("y", 4), ("y", 8), ("train_mask", 5), ("x", 5)]
)
def test_wrong_row_count_rejected(name, rows):
    value = _data()[name]
    value = value[:rows] if rows < NUM_NODES else torch.cat([value, value[: rows - 6]])
    with pytest.raises(ValueError, match=f"data.{name} must have one row per node"):
        _trainer(_data(**{name: value}))


def test_integer_mask_rejected():
    mask = _data().train_mask.long()
    with pytest.raises(
        TypeError, match="data.train_mask must be a bool tensor.*torch.int64"
    ):
        _trainer(_data(train_mask=mask))


def test_float_labels_rejected():
    with pytest.raises(TypeError, match="data.y must contain integer class ids"):
        _trainer(_data(y=torch.tensor([0.0, 1, 0, 1, 0, 1])))


def test_integer_features_rejected():
    with pytest.raises(TypeError, match="data.x must be a floating-point tensor"):
        _trainer(_data(x=torch.eye(NUM_NODES, dtype=torch.long)))


def test_negative_label_in_split_rejected():
    with pytest.raises(ValueError, match=r"negative labels \(min -1\)"):
        _trainer(_data(y=torch.tensor([0, 1, 0, 1, 0, -1])))


def test_negative_label_outside_splits_trains():
    data = _data(y=torch.tensor([0, 1, 0, 1, 0, -1]))
    data.test_mask[5] = False
    assert _trainer(data).fit()["best_epoch"] == 1


def test_two_dimensional_mask_rejected():
    mask = torch.stack([_data().train_mask] * 2, 1)
    with pytest.raises(
        ValueError, match=r"data.train_mask must have shape \[6\], got \[6, 2\]"
    ):
        _trainer(_data(train_mask=mask))


def test_nan_features_rejected():
    x = torch.eye(NUM_NODES)
    x[3, 2] = float("nan")
    with pytest.raises(
        ValueError, match=r"1 NaN or infinite values \(first at row 3, column 2\)"
    ):
        _trainer(_data(x=x))
