"""Labels stored as a column ``[N, 1]`` (the OGB layout) give the values of ``[N]``."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import (
    adjusted_homophily,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    nic,
    node_homophily,
    node_label_informativeness,
)

# Undirected path 0-1-2-3 plus the edges 1-3 and 3-4. Nodes 0 and 1 have class 0,
# nodes 2 and 3 class 1, and node 4 is unlabelled.
EDGES = torch.tensor([[0, 1, 2, 1, 3], [1, 2, 3, 3, 4]])
Y = torch.tensor([0, 0, 1, 1, -1])

MEASURES = [
    adjusted_homophily,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    nic,
    node_homophily,
    node_label_informativeness,
]


def test_edge_homophily_of_label_column():
    # The edges between labelled nodes are 0-1, 1-2, 2-3 and 1-3. Only 0-1 and 2-3 join
    # two nodes of one class.
    assert edge_homophily(EDGES, Y.view(-1, 1)) == pytest.approx(2 / 4)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
def test_label_column_equals_label_vector(measure):
    assert measure(EDGES, Y.view(-1, 1)) == pytest.approx(
        measure(EDGES, Y), nan_ok=True
    )


def test_multi_column_labels_rejected():
    with pytest.raises(ValueError, match="multi-label targets are not supported"):
        edge_homophily(EDGES, torch.zeros(5, 2, dtype=torch.long))


def test_multi_column_labels_name_task_column():
    # Task 1 swaps the classes of task 0, which leaves the homophily unchanged.
    tasks = torch.stack([Y, torch.where(Y >= 0, 1 - Y, -1)], 1)
    with pytest.raises(ValueError, match=r"pass its column y\[:, t\]"):
        edge_homophily(EDGES, tasks)
    assert edge_homophily(EDGES, tasks[:, 1]) == pytest.approx(edge_homophily(EDGES, Y))
