"""Trainer and accuracy with empty or overlapping train, validation and test splits."""

import logging
import math

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.metrics import accuracy
from graphkit.train.split_checks import split_overlaps


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


def test_trainer_rejects_empty_train_split():
    with pytest.raises(ValueError, match="so the train split is empty"):
        _trainer(_data((), (2, 3), (4, 5)))


def test_empty_val_split_reports_last_epoch(caplog):
    config = TrainConfig(epochs=3, hidden=4, patience=1, log_every=100)
    data = _data((0, 1), (), (4, 5))
    summary = Trainer(config, data, LocalGraph.from_data(data)).fit()
    assert "val_mask selects no node" in caplog.text
    # Every epoch replaces the best one, so patience never stops the run.
    assert summary["best_epoch"] == 3
    assert summary["epochs_run"] == 3
    assert not math.isnan(summary["test"])


def test_empty_val_split_rejects_plateau():
    config = TrainConfig(epochs=2, hidden=4, lr_schedule="plateau", log_every=100)
    data = _data((0, 1), (), (4, 5))
    with pytest.raises(ValueError, match="lr_schedule='plateau' needs validation scores"):
        Trainer(config, data, LocalGraph.from_data(data))


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


def _warnings(caplog, data):
    config = TrainConfig(epochs=1, hidden=4, log_every=100)
    with caplog.at_level(logging.WARNING, logger="graphkit.train.split_checks"):
        Trainer(config, data, LocalGraph.from_data(data))
    return [r.getMessage() for r in caplog.records if "in both data." in r.getMessage()]


def test_split_overlaps_counts_each_pair():
    data = _data((0, 1, 2), (2, 3), (1, 2, 3, 4))
    # train&val {2}, train&test {1, 2}, val&test {2, 3}
    assert split_overlaps(data).tolist() == [1, 2, 2]


def test_train_test_overlap_warns(caplog):
    messages = _warnings(caplog, _data((0, 1, 2), (3,), (1, 2, 5)))
    assert messages == [
        (
            "2 nodes are in both data.train_mask and data.test_mask, so the test "
            "score is measured partly on nodes that the model trains on. Make the "
            "masks disjoint unless this is intended"
        )
    ]


def test_val_test_overlap_warns(caplog):
    messages = _warnings(caplog, _data((0, 1), (3, 4), (4, 5)))
    assert len(messages) == 1
    assert messages[0].startswith("1 node is in both data.val_mask and data.test_mask")
    assert "nodes that select the best epoch" in messages[0]


def test_disjoint_splits_do_not_warn(caplog):
    assert _warnings(caplog, _data((0, 1), (2, 3), (4, 5))) == []
