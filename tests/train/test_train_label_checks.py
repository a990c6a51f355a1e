"""Trainer checks on labels for which the metric or the loss is undefined.

A validation split of one class has a NaN ROC-AUC in every epoch, so no epoch would
count as best. The trainer raises before the first epoch instead.
"""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_data(y: torch.Tensor, val: list[int]) -> Data:
    """Build six nodes on a path: nodes 0 and 1 train, ``val`` validates, the rest test."""
    n = 6
    masks = torch.zeros(3, n, dtype=torch.bool)
    masks[0, [0, 1]] = True
    masks[1, val] = True
    masks[2] = ~(masks[0] | masks[1])
    edge_index = torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]])
    return Data(
        x=torch.eye(n),
        y=y,
        edge_index=edge_index,
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
        num_nodes=n,
    )


def make(data: Data, **options) -> Trainer:
    config = TrainConfig(**{"epochs": 2, "log_every": 100, "patience": 0, **options})
    return Trainer(config, data, LocalGraph.from_data(data))


def test_roc_auc_one_val_class_raises():
    # Validation nodes 2 and 3 are both class 1, so no negative can be ranked.
    data = tiny_data(torch.tensor([0, 1, 1, 1, 0, 1]), val=[2, 3])
    with pytest.raises(ValueError, match="2 nodes of class 1 and 0 of class 0"):
        make(data)


def test_roc_auc_one_val_node_singular():
    # One validation node, so the count reads "1 node" rather than "1 nodes".
    data = tiny_data(torch.tensor([0, 1, 1, 1, 0, 1]), val=[2])
    with pytest.raises(ValueError, match="it has 1 node of class 1 and 0 of class 0"):
        make(data)


def test_roc_auc_both_val_classes_trains():
    data = tiny_data(torch.tensor([0, 1, 1, 0, 0, 1]), val=[2, 3])
    summary = make(data).fit()
    assert summary["metric"] == "roc_auc"
    assert summary["best_epoch"] >= 1


def test_accuracy_one_val_class_trains():
    data = tiny_data(torch.tensor([0, 1, 1, 1, 0, 1]), val=[2, 3])
    assert make(data, metric="accuracy").fit()["best_epoch"] >= 1


def test_multi_label_class_ids_raise():
    # Two columns are read as two binary tasks, so a class id of 2 is invalid.
    y = torch.tensor([[0, 1], [1, 0], [1, 2], [0, 0], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r"shape \(6, 2\).*node 2 has the value 2 for task 1"):
        make(tiny_data(y, val=[2, 3]))
