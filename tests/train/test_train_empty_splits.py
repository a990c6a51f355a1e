"""Trainer and accuracy with empty train, validation or test splits."""

import math

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.metrics import accuracy


def _data(train, val, test):
    n = 6
    masks = [torch.zeros(n, dtype=torch.bool) for _ in range(3)]
    for mask, ids in zip(masks, (train, val, test)):
        mask[list(ids)] = True
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        y=torch.tensor([0, 1, 2, 0, 1, 2]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


def _trainer(data):
    config = TrainConfig(epochs=2, hidden=4, patience=0, log_every=100)
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize(
    "split, masks", [("train", ((), (2, 3), (4, 5))), ("val", ((0, 1), (), (4, 5)))]
)
def test_trainer_rejects_empty_split(split, masks):
    with pytest.raises(ValueError, match=f"so the {split} split is empty"):
        _trainer(_data(*masks))


def test_empty_test_split_scores_nan():
    summary = _trainer(_data((0, 1, 2), (3, 4, 5), ())).fit()
    assert math.isnan(summary["test"])
    assert not math.isnan(summary["val"])


def test_accuracy_empty_mask_is_nan():
    graph = LocalGraph(torch.empty(2, 0, dtype=torch.long), 3)
    logits = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    y = torch.tensor([0, 0, 0])
    assert math.isnan(accuracy(logits, y, torch.zeros(3, dtype=torch.bool), graph))
    assert accuracy(logits, y, torch.ones(3, dtype=torch.bool), graph) == 2 / 3
