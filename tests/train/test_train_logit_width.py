"""The Trainer rejects a model with fewer logit columns than the labels need."""

import pytest
import torch
from torch import nn
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


class Linear(nn.Module):
    """A per-node linear model with ``out_channels`` logits."""

    def __init__(self, out_channels: int) -> None:
        super().__init__()
        self.lin = nn.Linear(3, out_channels)

    def forward(self, x, graph):
        return self.lin(x)


class Squeezed(nn.Module):
    """A model that returns one logit per node as a vector."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 1)

    def forward(self, x, graph):
        return self.lin(x).squeeze(1)


def _data(y):
    train = torch.tensor([True, True, True, False, False, False])
    val = torch.tensor([False, False, False, True, True, False])
    return Data(
        x=torch.randn(6, 3, generator=torch.Generator().manual_seed(0)),
        y=y,
        edge_index=torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]),
        train_mask=train,
        val_mask=val,
        test_mask=torch.zeros(6, dtype=torch.bool),
    )


def _fit(data, model):
    trainer = Trainer(TrainConfig(epochs=2), data, LocalGraph.from_data(data), model)
    return trainer.fit()


def test_fewer_logits_than_classes_rejected():
    # Class 2 is a training label, so cross_entropy would index column 2 of 2.
    data = _data(torch.tensor([0, 1, 2, 0, 1, 0]))
    with pytest.raises(ValueError) as error:
        _fit(data, Linear(2))
    assert str(error.value) == (
        "the model returned logits of shape [6, 2], but data.y has class ids up to 2 "
        "on split nodes, so the Trainer needs at least 3 logits per node. Build the "
        "model with 3 outputs (out_channels=3 for graphkit.nn.GNN)"
    )


def test_vector_of_logits_rejected():
    data = _data(torch.tensor([0, 1, 1, 0, 1, 0]))
    with pytest.raises(
        ValueError, match=r"logits of shape \[6\], but data.y has class"
    ):
        _fit(data, Squeezed())


def test_class_outside_splits_needs_no_logit():
    # Node 5 is in no split, so its class 4 never reaches the loss or the metric.
    data = _data(torch.tensor([0, 1, 1, 0, 1, 4]))
    summary = _fit(data, Linear(2))
    assert summary["epochs_run"] == 2


def test_multi_label_width_rejected():
    y = torch.tensor([[0, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError) as error:
        _fit(_data(y), Linear(2))
    assert str(error.value).startswith(
        "the model returned logits of shape [6, 2], but data.y has 3 tasks (columns), "
        "so the Trainer needs 3 logits per node."
    )
