"""Closed-form node classification on graphs smaller than the default ranks."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn, node_features


def small_graph(num_features: int = 5) -> Data:
    """A 30-node cycle with three classes and 25 training nodes."""
    generator = torch.Generator().manual_seed(0)
    n = 30
    ring = torch.arange(n)
    train_mask = torch.zeros(n, dtype=torch.bool)
    train_mask[:25] = True
    return Data(
        x=torch.randn(n, num_features, generator=generator),
        edge_index=torch.stack([ring, (ring + 1) % n]),
        y=ring % 3,
        train_mask=train_mask,
    )


def test_walk_rank_cut_to_node_count():
    # The default rank 64 exceeds the 30 nodes, so the embedding keeps 30 triplets:
    # 5 features plus U S^1/2 and V S^1/2 with 30 columns each, without the PCA.
    config = NodeClassConfig(pca_dim=0, n_iter=2)
    graph = small_graph()
    features = node_features(graph.x, graph.edge_index, config)
    assert features.shape == (30, 65)


def test_default_ranks_fit_small_graph():
    config = NodeClassConfig(hops=2, oversample=2, svd_rank=10, n_iter=2)
    solution = fit_linear_gcn(small_graph(), config)
    assert solution.weight.shape[1] == 3
    assert torch.isfinite(solution.weight).all()


def test_no_features_and_no_embedding_rejected():
    config = NodeClassConfig(hops=2, oversample=2, wys_rank=0)
    with pytest.raises(ValueError, match="the design matrix has no columns"):
        fit_linear_gcn(small_graph(num_features=0), config)
