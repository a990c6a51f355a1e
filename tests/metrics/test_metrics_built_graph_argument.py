"""Functions that read a built LabelledGraph name it when given an edge_index."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import (
    build_labelled_graph,
    class_edge_counts,
    local_homophily,
    neighbour_label_counts,
    nic_by_neighbourhood_size,
    summarize_graph,
)

# The path 0-1-2-3 with classes 0 0 1 1.
EDGES = torch.tensor([[0, 1, 2], [1, 2, 3]])
Y = torch.tensor([0, 0, 1, 1])


@pytest.mark.parametrize(
    "function",
    [
        local_homophily,
        class_edge_counts,
        summarize_graph,
        neighbour_label_counts,
        nic_by_neighbourhood_size,
    ],
)
def test_edge_index_rejected(function):
    message = rf"{function.__name__} takes a LabelledGraph, got Tensor"
    with pytest.raises(TypeError, match=message):
        function(EDGES)


def test_built_graph_accepted():
    graph = build_labelled_graph(EDGES, Y)
    # Node 1 has the neighbours 0 (same class) and 2, and node 2 has 1 and 3 (same class).
    assert local_homophily(graph).tolist() == [1.0, 0.5, 0.5, 1.0]
    # Undirected edges count in both directions: 0-1 and 2-3 twice on the
    # diagonal, 1-2 once in each off-diagonal entry.
    assert class_edge_counts(graph).tolist() == [[2, 1], [1, 2]]
    assert summarize_graph(graph).num_edges == 3
