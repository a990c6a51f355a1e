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
    graph = LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3, fast=False)
    x = torch.randn(3, 2, dtype=torch.float64)
    graph.gcn_aggregate(x)
    assert graph.gcn_aggregate(x.float()).dtype == torch.float32
    assert graph.aggregate(x.float(), "mean").dtype == torch.float32
