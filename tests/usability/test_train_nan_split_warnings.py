"""A test split whose score can only be NaN gets a warning that explains why."""

import logging

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def _data(test_labels: list[int]) -> Data:
    # A ring: 4 train nodes (2 per class), 2 val nodes (one per class), then the test nodes.
    n = 6 + len(test_labels)
    edges = torch.tensor([[i, (i + 1) % n] for i in range(n)]).t()
    y = torch.tensor([0, 1, 0, 1, 0, 1] + test_labels)
    train = torch.zeros(n, dtype=torch.bool)
    train[:4] = True
    val = torch.zeros(n, dtype=torch.bool)
    val[4:6] = True
    test = torch.zeros(n, dtype=torch.bool)
    test[6:] = True
    return Data(
        x=torch.eye(n), edge_index=torch.cat([edges, edges.flip(0)], 1), y=y,
        train_mask=train, val_mask=val, test_mask=test, num_nodes=n,
    )


def _messages(caplog, data: Data) -> list[str]:
    config = TrainConfig(epochs=1, log_every=1)
    with caplog.at_level(logging.WARNING, logger="graphkit.train.split_checks"):
        Trainer(config, data, LocalGraph.from_data(data))
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_one_class_test_split_warns(caplog):
    messages = _messages(caplog, _data([1, 1]))
    assert any(
        "roc_auc is undefined on the test split: it has 2 nodes of class 1 and 0 of "
        "class 0, so its score is NaN" in m
        for m in messages
    ), messages


def test_empty_test_split_warns(caplog):
    data = _data([0, 1])
    data.test_mask = torch.zeros_like(data.test_mask)
    messages = _messages(caplog, data)
    assert any(
        "data.test_mask selects no node, so the test score is NaN" in m for m in messages
    ), messages
    assert not any("roc_auc is undefined on the test split" in m for m in messages)


def test_both_classes_no_warning(caplog):
    messages = _messages(caplog, _data([0, 1]))
    assert not any("test" in m for m in messages), messages
