"""Printing a layer or a model stack shows its options, as PyG layers do."""

from torch import nn

from graphkit.nn import (
    GNN,
    EdgeConv,
    GATConv,
    GCNConv,
    GINConv,
    GraphBatchNorm,
    SAGEConv,
)
from graphkit.nn.pgcn import PGCNConv


def _first_line(module: nn.Module) -> str:
    return repr(module).splitlines()[1].strip()


def test_layer_repr_options():
    assert _first_line(GCNConv(5, 3)) == "5, 3, bias=True"
    assert _first_line(SAGEConv(5, 3, aggr="max")) == "5, 3, aggr='max'"
    expected = "5, 3, heads=2, concat=True, dropout=0.0"
    assert _first_line(GATConv(5, 3, heads=2)) == expected
    assert _first_line(GINConv(nn.Linear(5, 3), eps=0.5)) == "eps=0.5, train_eps=False"
    assert _first_line(EdgeConv(nn.Linear(10, 3))) == "reduce='max'"
    assert repr(GraphBatchNorm(3)) == "GraphBatchNorm(3, eps=1e-05, momentum=0.1)"
    expected = "5, 3, heads=2, embed_dim=4, exact=False"
    assert _first_line(PGCNConv(5, 3)) == expected


def test_gnn_repr_names_model():
    stack = GNN("SAGE_max", 5, 8, 3, num_layers=3, dropout=0.25)
    expected = "model='sage-max', num_layers=3, dropout=0.25, residual=False"
    assert _first_line(stack) == expected
