"""GATConv rejects a non-finite negative slope and a head count that is not an int."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GATConv


@pytest.mark.parametrize("slope", [float("nan"), float("inf")])
def test_gat_non_finite_slope_rejected(slope):
    # Unchecked, a NaN slope makes the output of a node with a negative score NaN.
    with pytest.raises(
        ValueError, match=f"negative_slope must be a finite number, got {slope}"
    ):
        GATConv(4, 2, negative_slope=slope)


@pytest.mark.parametrize("heads", [True, 2.0])
def test_gat_heads_not_int_rejected(heads):
    with pytest.raises(TypeError, match=f"heads must be an int, got {heads!r}"):
        GATConv(4, 2, heads=heads)


def test_gat_integer_tensor_heads_accepted():
    layer = GATConv(4, 2, heads=torch.tensor(3))
    assert layer.heads == 3
    assert isinstance(layer.heads, int)
    graph = LocalGraph(torch.tensor([[0, 1], [1, 0]]), 2)
    assert layer(torch.randn(2, 4), graph).shape == (2, 6)


def test_gat_negative_slope_applied():
    # One edge 0 -> 1 plus self-loops. With value weights 1, node 1 averages x_0 and
    # x_1 with softmax weights of LeakyReLU(s_0 + s_1) and LeakyReLU(2 s_1).
    layer = GATConv(1, 1, negative_slope=0.5)
    with torch.no_grad():
        layer.lin.weight.fill_(1.0)
        layer.att_src.fill_(1.0)
        layer.att_dst.fill_(1.0)
    x = torch.tensor([[-3.0], [1.0]])
    out = layer(x, LocalGraph(torch.tensor([[0], [1]]), 2))
    scores = torch.tensor([0.5 * (-3.0 + 1.0), 2.0])
    weights = torch.softmax(scores, 0)
    torch.testing.assert_close(out[1, 0], weights[0] * -3.0 + weights[1] * 1.0)
    torch.testing.assert_close(out[0, 0], torch.tensor(-3.0))
