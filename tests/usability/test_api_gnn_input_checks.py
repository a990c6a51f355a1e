"""GNN checks its integer options and the features it receives."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GNN


def _graph() -> LocalGraph:
    return LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)


@pytest.mark.parametrize(
    "option, value",
    [
        ("num_layers", 2.0),
        ("num_layers", True),
        ("hidden_channels", 8.0),
        ("heads", 2.5),
    ],
)
def test_non_int_option_rejected(option, value):
    options = {"hidden_channels": 8, option: value}
    with pytest.raises(TypeError, match=rf"{option} must be an int, got {value!r}"):
        GNN("gat", 4, out_channels=3, **options)


def test_numpy_int_options_accepted():
    model = GNN("gcn", np.int64(4), np.int64(8), np.int64(3), num_layers=np.int64(2))
    assert len(model.layers) == 2


def test_integer_tensor_options_accepted():
    # A class count such as data.y.max() + 1 is a one-element integer tensor. The
    # model must equal the one built from Python ints, parameters and output alike.
    x = torch.randn(3, 4)
    torch.manual_seed(0)
    expected = GNN("gat", 4, 8, 3, num_layers=3, heads=2)
    torch.manual_seed(0)
    model = GNN(
        "gat",
        torch.tensor(4),
        torch.tensor(8),
        torch.tensor([3]),
        num_layers=torch.tensor(3, dtype=torch.int32),
        heads=torch.tensor(2),
    )
    assert [type(layer) for layer in model.layers] == [
        type(layer) for layer in expected.layers
    ]
    for got, want in zip(model.parameters(), expected.parameters(), strict=True):
        assert torch.equal(got, want)
    model.eval()
    expected.eval()
    assert torch.equal(model(x, _graph()), expected(x, _graph()))


@pytest.mark.parametrize(
    "value", [torch.tensor(3.0), torch.tensor(True), torch.tensor([3, 3])]
)
def test_non_integer_tensor_option_rejected(value):
    with pytest.raises(TypeError, match="out_channels must be an int, got tensor"):
        GNN("gcn", 4, 8, value)


def test_dropout_string_rejected():
    with pytest.raises(
        TypeError, match=r"dropout must be a float in \[0, 1\], got '0.5'"
    ):
        GNN("gcn", 4, 8, 3, dropout="0.5")


@pytest.mark.parametrize("model, layer", [("gin", "GINConv"), ("edgeconv", "EdgeConv")])
def test_input_width_named_for_any_layer(model, layer):
    with pytest.raises(ValueError) as error:
        GNN(model, 4, 8, 3)(torch.randn(3, 2), _graph())
    assert str(error.value).startswith(
        f"{layer}: x has 2 features per node but the layer was built with in_channels=4"
    )


def test_mlp_rows_of_other_nodes_rejected():
    # MLP layers read no edge, so unchecked they map 5 rows on a 3-node graph.
    with pytest.raises(ValueError) as error:
        GNN("mlp", 4, 8, 3)(torch.randn(5, 4), _graph())
    assert str(error.value).startswith("GNN: x has 5 rows but the graph has 3 nodes")


def test_mlp_output_for_matching_rows():
    model = GNN("mlp", 4, 8, 3, num_layers=1).eval()
    x = torch.randn(3, 4)
    expected = model.layers[0].lin(x)
    torch.testing.assert_close(model(x, _graph()), expected)
