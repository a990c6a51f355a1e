"""Trainer warnings for nodes that lie in two splits at once."""

import logging

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
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
