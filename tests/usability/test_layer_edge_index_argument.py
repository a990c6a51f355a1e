"""Layers given PyG's edge_index in place of a graph name the fix."""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import GNN, EdgeConv, GATConv, GCNConv, GINConv, SAGEConv
from graphkit.nn.pgcn import PGCNConv

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])

LAYERS = {
    "GCNConv": lambda: GCNConv(3, 2),
    "SAGEConv": lambda: SAGEConv(3, 2),
    "GATConv": lambda: GATConv(3, 2),
    "GINConv": lambda: GINConv(torch.nn.Linear(3, 2)),
    "EdgeConv": lambda: EdgeConv(torch.nn.Linear(6, 2)),
    "PGCNConv": lambda: PGCNConv(3, 2),
    "GNN": lambda: GNN("mlp", 3, 4, 2),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_edge_index_argument_rejected(name):
    layer = LAYERS[name]()
    with pytest.raises(TypeError) as caught:
        layer(torch.randn(3, 3), EDGE_INDEX)
    message = str(caught.value)
    assert message.startswith(f"{name} expects a graphkit Graph")
    assert "got a tensor of shape [2, 4]" in message
    assert "LocalGraph.from_data(data)" in message


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_local_graph_argument_accepted(name):
    layer = LAYERS[name]()
    out = layer(torch.randn(3, 3), LocalGraph(EDGE_INDEX, 3))
    assert out.shape == (3, 2)
