"""Printing a LocalGraph shows its node and edge counts."""

import torch
from graphkit.graph import LocalGraph


def test_local_graph_repr_counts():
    # Node 3 has no edge, so the node count comes from num_nodes, not the ids.
    graph = LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 4)
    assert repr(graph) == "LocalGraph(num_nodes=4, num_edges=3)"
