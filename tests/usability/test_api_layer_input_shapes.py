"""GCNConv, SAGEConv and GATConv name x's expected and found shape on bad input.

These layers transform x before they aggregate. Without the check, a wrong feature
width would fail inside a matrix product ("mat1 and mat2 shapes cannot be multiplied"),
and a wrong row count would be reported with the shape of the transformed features.
"""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import GATConv, GCNConv, GNN, SAGEConv

EDGE_INDEX = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 4]])
LAYERS = {
    "GCNConv": lambda: GCNConv(4, 2),
    "SAGEConv": lambda: SAGEConv(4, 2),
    "GATConv": lambda: GATConv(4, 2, heads=2),
}


def _graph():
    return LocalGraph(EDGE_INDEX, 5)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_rows_message(name):
    message = (
        f"{name}: x has 6 rows but the graph has 5 nodes "
        r"\(expected x of shape \[5, 4\], got \[6, 4\]\)"
    )
    with pytest.raises(ValueError, match=message):
        LAYERS[name]()(torch.randn(6, 4), _graph())


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_width_message(name):
    message = (
        f"{name}: x has 3 features per node but the layer was built with "
        r"in_channels=4 \(expected x of shape \[5, 4\], got \[5, 3\]\)"
    )
    with pytest.raises(ValueError, match=message):
        LAYERS[name]()(torch.randn(5, 3), _graph())


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_vector_message(name):
    message = r"expected x of shape \[5, 4\], got \[5\]"
    with pytest.raises(ValueError, match=message):
        LAYERS[name]()(torch.randn(5), _graph())


def test_one_feature_hint():
    with pytest.raises(ValueError, match=r"for example x.view\(-1, 1\)"):
        GCNConv(1, 2)(torch.randn(5), _graph())


def test_gnn_input_width_message():
    model = GNN("sage", 4, 8, 2)
    with pytest.raises(ValueError, match="SAGEConv: x has 7 features per node"):
        model(torch.randn(5, 7), _graph())


def test_matching_input_accepted():
    for name, make in LAYERS.items():
        out = make()(torch.randn(5, 4), _graph())
        assert out.shape == (5, 4 if name == "GATConv" else 2), name
