"""Layers reject a bool, a non-number or NaN as a float option.

torch.nn.BatchNorm1d, Dropout and LeakyReLU accept ``True`` silently (torch 2.13),
but True for eps or dropout is a slip, not 1.0. A negative LeakyReLU slope or GIN
eps is valid and stays accepted.
"""

import math
import re

import numpy as np
import pytest
import torch
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, GATConv, GINConv, GraphBatchNorm
from graphkit.nn.pgcn import PGCNConv
from graphkit.whole_numbers import WrongTypeError

WRONG_TYPES = [True, False, "0.5", None, torch.tensor(0.5)]

LAYERS = {
    "GraphBatchNorm eps": lambda value: GraphBatchNorm(2, eps=value),
    "GraphBatchNorm momentum": lambda value: GraphBatchNorm(2, momentum=value),
    "GATConv dropout": lambda value: GATConv(4, 2, dropout=value),
    "GATConv negative_slope": lambda value: GATConv(4, 2, negative_slope=value),
    "GINConv eps": lambda value: GINConv(nn.Identity(), eps=value),
    "GNN dropout": lambda value: GNN("gcn", 4, 8, 3, dropout=value),
    "GNN attention_dropout": lambda value: GNN("gat", 4, 8, 3, attention_dropout=value),
}


# momentum=None selects the cumulative average, so that case is left out.
WRONG_TYPE_CASES = [
    (layer, value)
    for layer in sorted(LAYERS)
    for value in WRONG_TYPES
    if not (layer == "GraphBatchNorm momentum" and value is None)
]


@pytest.mark.parametrize(("layer", "value"), WRONG_TYPE_CASES, ids=repr)
def test_float_option_wrong_type_rejected(layer, value):
    with pytest.raises(WrongTypeError, match=re.escape(repr(value))):
        LAYERS[layer](value)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_float_option_nan_rejected(layer):
    with pytest.raises(ValueError) as caught:
        LAYERS[layer](math.nan)
    assert not isinstance(caught.value, TypeError)


@pytest.mark.parametrize(
    "layer",
    ["GraphBatchNorm momentum", "GATConv dropout", "GNN dropout", "GNN attention_dropout"],
)
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_probability_out_of_range_rejected(layer, value):
    with pytest.raises(ValueError):
        LAYERS[layer](value)


def test_negative_slope_and_eps_accepted():
    # torch.nn.LeakyReLU accepts a negative slope and GIN a negative eps, so these
    # layers accept them too.
    assert GATConv(4, 2, negative_slope=-0.2).negative_slope == -0.2
    assert GINConv(nn.Identity(), eps=-1.0).eps.tolist() == [-1.0]


def test_numpy_float_options_accepted():
    layer = GATConv(4, 2, dropout=np.float32(0.25), negative_slope=np.float64(0.1))
    assert layer.dropout == 0.25
    norm = GraphBatchNorm(2, eps=np.float64(0.0), momentum=np.float32(0.5))
    assert norm.eps == 0.0
    assert norm.momentum == 0.5
    model = GNN("gcn", 4, 8, 3, dropout=np.float64(0.0))
    graph = LocalGraph(torch.tensor([[0, 1], [1, 0]]), 2)
    assert model(torch.randn(2, 4), graph).shape == (2, 3)


@pytest.mark.parametrize("name", ["heads", "embed_dim"])
@pytest.mark.parametrize("value", [True, 2.5, "2"], ids=repr)
def test_pgcn_count_wrong_type_rejected(name, value):
    with pytest.raises(WrongTypeError, match=f"{name} must be an int, got {value!r}"):
        PGCNConv(4, 2, **{name: value})


def test_pgcn_tensor_heads_accepted():
    layer = PGCNConv(4, 2, heads=torch.tensor(3), embed_dim=np.int64(2))
    assert layer.heads == 3
    assert isinstance(layer.heads, int)
    assert layer.embed_dim == 2
    assert layer.mix_logits.shape == (4,)
