"""GCNConv and SAGEConv match PyG to float64 precision for float64 inputs."""

from __future__ import annotations

import pytest
import torch
import torch_geometric.nn as pyg_nn

from graphkit.graph import LocalGraph
from graphkit.nn import GCNConv, SAGEConv


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    "ours, theirs",
    [(GCNConv, pyg_nn.GCNConv), (SAGEConv, pyg_nn.SAGEConv)],
    ids=["gcn", "sage-mean"],
)
def test_float64_matches_pyg(ours, theirs, fast):
    generator = torch.Generator().manual_seed(0)
    # Random degrees make 1/deg and 1/sqrt(deg) round differently in float32 and float64.
    edge_index = torch.randint(0, 40, (2, 280), generator=generator)
    x = torch.randn(40, 6, dtype=torch.float64, generator=generator)
    torch.manual_seed(0)
    layer = ours(6, 5).double()
    reference = theirs(6, 5).double()
    reference.load_state_dict(layer.state_dict())
    out = layer(x, LocalGraph(edge_index, 40, fast=fast))
    assert out.dtype == torch.float64
    torch.testing.assert_close(out, reference(x, edge_index), rtol=1e-12, atol=1e-12)


def test_float32_after_float64_keeps_dtype():
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 0]])
    graph = LocalGraph(edge_index, 3, fast=False)
    x = torch.randn(3, 2, dtype=torch.float64)
    graph.gcn_aggregate(x)
    gcn = graph.gcn_aggregate(x.float())
    mean = graph.aggregate(x.float(), "mean")
    assert gcn.dtype == torch.float32
    assert mean.dtype == torch.float32
    # Weights cached for float64 must give the values of a graph that never saw float64.
    fresh = LocalGraph(edge_index, 3, fast=False)
    torch.testing.assert_close(gcn, fresh.gcn_aggregate(x.float()))
    torch.testing.assert_close(mean, fresh.aggregate(x.float(), "mean"))
    # On this cycle node i has the single in-neighbour i - 1, and GCN adds a loop, so
    # it averages the two rows.
    previous = x.float()[[2, 0, 1]]
    torch.testing.assert_close(mean, previous)
    torch.testing.assert_close(gcn, (x.float() + previous) / 2)
