"""A PyG user's aggr="add" gets the graphkit name of the same reduction."""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import EdgeConv, MessagePassingLayer, SAGEConv

HINT = r"got 'add'. Use 'sum' for PyG's 'add'"


def test_sage_add_hint():
    with pytest.raises(ValueError, match=r"aggr must be one of .*" + HINT):
        SAGEConv(3, 2, aggr="add")


def test_layers_add_hint():
    with pytest.raises(ValueError, match=r"reduce must be one of .*" + HINT):
        MessagePassingLayer(torch.nn.Identity(), reduce="add")
    with pytest.raises(ValueError, match=r"reduce must be one of .*" + HINT):
        EdgeConv(torch.nn.Linear(4, 2), reduce="add")


def test_graph_add_hint():
    graph = LocalGraph(torch.tensor([[0, 1], [1, 0]]), 2)
    with pytest.raises(ValueError, match=r"reduce must be one of .*" + HINT):
        graph.aggregate(torch.ones(2, 1), "add")


def test_other_names_without_hint():
    with pytest.raises(ValueError, match=r"got 'avg'$"):
        SAGEConv(3, 2, aggr="avg")
