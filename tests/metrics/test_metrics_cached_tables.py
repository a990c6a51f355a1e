"""A built graph keeps its own copy of the labels and returns copies of its tables."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import (
    build_labelled_graph,
    class_edge_counts,
    edge_homophily,
    neighbour_label_counts,
    node_homophily,
)

# Path 0-1-2-3 with classes 0 0 1 1: edges 0-1 and 2-3 join equal classes.
EDGES = torch.tensor([[0, 1, 2], [1, 2, 3]])
Y = torch.tensor([0, 0, 1, 1])


def test_class_edge_counts_edit_keeps_graph():
    graph = build_labelled_graph(EDGES, Y)
    counts = class_edge_counts(graph)
    counts.fill_diagonal_(0)
    assert edge_homophily(graph) == pytest.approx(2 / 3)


def test_neighbour_counts_edit_keeps_graph():
    graph = build_labelled_graph(EDGES, Y)
    counts = neighbour_label_counts(graph)
    assert counts.tolist() == [[1, 0], [1, 1], [1, 1], [0, 1]]
    counts.zero_()
    # Nodes 0 and 3 have h = 1, nodes 1 and 2 have h = 1/2.
    assert node_homophily(graph) == pytest.approx(3 / 4)


def test_label_edit_after_build_keeps_graph():
    labels = Y.clone()
    graph = build_labelled_graph(EDGES, labels)
    labels[0] = 1
    assert edge_homophily(graph) == pytest.approx(2 / 3)
