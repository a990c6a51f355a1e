"""One-hot class labels given as y [N, C] get a warning that they train as C tasks.

A y of shape [N, C] with one 1 per row trains as C independent binary tasks, because
y of that shape is read as multi-label targets. The mean task accuracy of a model
that predicts no class is then (C - 1) / C, so a user who meant one class per node
would read a good score.
"""

import logging

import pytest
import torch

from graphkit.train.multilabel import check_multi_label_values

MESSAGE = "exactly one 1 in every row"


@pytest.mark.parametrize("dtype", [torch.long, torch.float32, torch.bool])
def test_one_hot_labels_warn(caplog, dtype):
    y = torch.nn.functional.one_hot(torch.tensor([0, 2, 1, 2]), 3).to(dtype)
    with caplog.at_level(logging.WARNING):
        check_multi_label_values(y, torch.ones(4, dtype=torch.bool))
    assert MESSAGE in caplog.text
    assert "data.y.argmax(1)" in caplog.text


def test_one_hot_checks_split_rows_only(caplog):
    y = torch.tensor([[1, 0], [0, 1], [1, 1]])  # node 2, in no split, has two positives
    with caplog.at_level(logging.WARNING):
        check_multi_label_values(y, torch.tensor([True, True, False]))
    assert MESSAGE in caplog.text


@pytest.mark.parametrize(
    "y",
    [
        [[1, 0], [0, 1], [1, 1]],  # two positives on a node
        [[1, 0], [0, 0], [0, 1]],  # a node without a positive
        [[1, 0], [0, 1], [-1, 1]],  # an unlabelled entry
    ],
)
def test_multi_label_rows_do_not_warn(caplog, y):
    with caplog.at_level(logging.WARNING):
        check_multi_label_values(torch.tensor(y), torch.ones(3, dtype=torch.bool))
    assert MESSAGE not in caplog.text
