"""GAT attention stays finite when scores are far beyond the float32 range of exp."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn.conv import GATConv


@pytest.mark.parametrize("fast", [True, False])
def test_gat_softmax_of_large_scores(fast):
    """Scenario of https://github.com/pyg-team/pytorch_geometric/issues/53: exp(2000)
    overflows, so the softmax must subtract each node's maximum score first."""
    conv = GATConv(2, 1)
    with torch.no_grad():
        conv.lin.weight.copy_(torch.tensor([[1.0, 0.0]]))  # h = x[:, 0]
        conv.att_src.fill_(1.0)  # score of edge j -> i is h_j (LeakyReLU keeps it)
        conv.att_dst.fill_(0.0)
    x = torch.tensor([[1000.0, 0.0], [2000.0, 0.0], [0.0, 0.0]])
    # Node 2 reads nodes 0 and 1 and its own loop: scores 1000, 2000 and 0. The weight
    # of score 2000 is 1 / (1 + e^-1000 + e^-2000), which is 1.0 in float32.
    graph = LocalGraph(torch.tensor([[0, 1], [2, 2]]), 3, fast=fast)
    out = conv(x, graph)
    assert out.flatten().tolist() == [1000.0, 2000.0, 2000.0]
