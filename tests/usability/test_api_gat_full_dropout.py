"""GAT attention dropout with p = 1 drops every edge, as PyG's does, without NaN."""

from __future__ import annotations

import pytest
import torch
import torch_geometric.nn as pyg_nn

from graphkit.graph import LocalGraph
from graphkit.nn import GATConv
from graphkit.ops.attention import AttentionDropout


@pytest.mark.parametrize("fast", [True, False])
def test_full_dropout_leaves_bias(fast):
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    layer = GATConv(5, 3, heads=2, dropout=1.0).train()
    with torch.no_grad():
        layer.bias.copy_(torch.arange(6.0))
    reference = pyg_nn.GATConv(5, 3, heads=2, dropout=1.0).train()
    reference.load_state_dict(layer.state_dict())
    out = layer(x, LocalGraph(edge_index, 4, fast=fast))
    torch.testing.assert_close(out, reference(x, edge_index))
    torch.testing.assert_close(out, torch.arange(6.0).expand(4, 6))


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_range_checked(p):
    with pytest.raises(
        ValueError, match=rf"attention dropout p must lie in \[0, 1\], got {p}"
    ):
        AttentionDropout(p)
