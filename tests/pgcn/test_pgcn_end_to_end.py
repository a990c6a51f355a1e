"""Permutohedral-GCN end to end: the dense reference and the layer on awkward inputs."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.lattice import dense_gaussian_filter
from graphkit.nn.pgcn import PGCNConv


def test_dense_filter_far_from_origin():
    # With more than 25 points torch.cdist uses its matrix-product form by default (its
    # documentation), which is off by about 0.1 in a distance of 3 here.
    generator = torch.Generator().manual_seed(0)
    positions = torch.randn(30, 4, generator=generator) + 1000
    values = torch.randn(30, 3, generator=generator)
    out = dense_gaussian_filter(positions, values)
    expected = dense_gaussian_filter(positions.double(), values.double())
    torch.testing.assert_close(out, expected.float(), rtol=0, atol=1e-5)


@pytest.mark.parametrize("exact", [False, True])
def test_layer_on_graph_without_nodes(exact):
    layer = PGCNConv(5, 3, exact=exact)
    x = torch.zeros(0, 5, requires_grad=True)
    out = layer(x, LocalGraph(torch.zeros(2, 0, dtype=torch.long), 0))
    assert out.shape == (0, 3)
    out.sum().backward()
    assert x.grad.shape == (0, 5)
    assert layer.lin_embed.weight.grad is not None
