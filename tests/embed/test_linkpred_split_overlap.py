"""Warnings for link-prediction test pairs that overlap the training edges."""

from __future__ import annotations

import logging

import torch
from torch_geometric.data import Data

from graphkit.embed.linkpred import (
    LinkPredictionConfig,
    run_link_prediction,
    undirected_keys,
)

CYCLE = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


def split(test, negatives) -> Data:
    return Data(
        num_nodes=4,
        train_pos_edge_index=CYCLE,
        test_pos_edge_index=torch.tensor(test),
        test_neg_edge_index=torch.tensor(negatives),
    )


def test_keys_ignore_direction():
    keys = undirected_keys(torch.tensor([[1, 3, 2], [3, 1, 2]]), 4)
    assert keys.tolist() == [7, 7, 10]


def test_reversed_training_edge_in_test_warned(caplog):
    # (1, 0) is the training edge (0, 1) reversed; (0, 2) is new.
    data = split([[1, 0], [0, 2]], [[1], [3]])
    with caplog.at_level(logging.WARNING):
        run_link_prediction(data, LinkPredictionConfig(rank=2))
    assert "1 of 2 test edges are also training edges" in caplog.text
    assert "negative test pairs" not in caplog.text


def test_edge_among_negatives_warned(caplog):
    # (3, 2) is a training edge and (2, 0) the test edge (0, 2) reversed.
    data = split([[0], [2]], [[1, 3, 2], [3, 2, 0]])
    with caplog.at_level(logging.WARNING):
        run_link_prediction(data, LinkPredictionConfig(rank=2))
    assert "2 of 3 negative test pairs are training or test edges" in caplog.text
    assert "test edges are also training edges" not in caplog.text


def test_disjoint_split_not_warned(caplog):
    data = split([[0], [2]], [[1], [3]])
    with caplog.at_level(logging.WARNING):
        run_link_prediction(data, LinkPredictionConfig(rank=2))
    assert caplog.text == ""
