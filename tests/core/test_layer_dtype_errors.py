"""Features of another dtype than the weights raise one clear TypeError in every model."""

import pytest
import torch
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, MODELS, EdgeConv, GINConv

GRAPH = LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)
MESSAGE = "x is torch.float64 but the layer's weights are torch.float32"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_gnn_rejects_float64_features(model):
    stack = GNN(model, 4, 8, 2)
    with pytest.raises(TypeError, match=MESSAGE):
        stack(torch.randn(3, 4, dtype=torch.float64), GRAPH)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_gnn_runs_after_double(model):
    stack = GNN(model, 4, 8, 2).double()
    out = stack(torch.randn(3, 4, dtype=torch.float64), GRAPH)
    assert out.dtype == torch.float64


def test_gin_and_edgeconv_reject_float64_features():
    x = torch.randn(3, 4, dtype=torch.float64)
    with pytest.raises(TypeError, match="GINConv: " + MESSAGE):
        GINConv(nn.Linear(4, 2))(x, GRAPH)
    with pytest.raises(TypeError, match="EdgeConv: " + MESSAGE):
        EdgeConv(nn.Linear(8, 2))(x, GRAPH)


def test_gin_without_parameters_accepts_any_float():
    out = GINConv(nn.Identity())(torch.ones(3, 1, dtype=torch.float64), GRAPH)
    assert out.dtype == torch.float64
    assert out.flatten().tolist() == [2.0, 2.0, 2.0]
