"""Negative pairs and the edge split of link-prediction rank selection."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import linkpred
from graphkit.embed.linkpred import (
    LinkPredictionConfig,
    sample_non_edges,
    select_rank,
    unique_undirected_edges,
)


def pair_set(pairs: torch.Tensor) -> set[tuple[int, int]]:
    return {(min(i, j), max(i, j)) for i, j in pairs.T.tolist()}


def complete_graph_without(
    num_nodes: int, missing: set[tuple[int, int]]
) -> torch.Tensor:
    edges = [
        (i, j)
        for i in range(num_nodes)
        for j in range(i + 1, num_nodes)
        if (i, j) not in missing
    ]
    return torch.tensor(edges).T


def test_unique_undirected_edges_keeps_first_occurrence():
    edge_index = torch.tensor([[0, 1, 2, 1, 3], [1, 0, 3, 2, 2]])
    kept = unique_undirected_edges(edge_index, 4)
    assert kept.tolist() == [[0, 2, 1], [1, 3, 2]]


def test_sample_non_edges_dense_graph():
    missing = {(0, 3), (1, 4), (2, 5)}
    edges = complete_graph_without(6, missing)
    generator = torch.Generator().manual_seed(0)
    negatives = sample_non_edges(edges, 6, 200, generator)
    assert negatives.shape == (2, 200)
    assert pair_set(negatives) == missing


def test_sample_non_edges_sparse_graph():
    edges = torch.tensor([[0, 1, 2, 5], [1, 2, 3, 5]])
    generator = torch.Generator().manual_seed(0)
    negatives = sample_non_edges(edges.flip(0), 8, 500, generator)
    assert negatives.shape == (2, 500)
    assert (negatives[0] != negatives[1]).all()
    assert not pair_set(negatives) & {(0, 1), (1, 2), (2, 3)}
    # 28 pairs of distinct nodes less 3 edges leave 25, and 500 draws reach them all.
    assert len(pair_set(negatives)) == 25


def test_sample_non_edges_complete_graph_raises():
    edges = complete_graph_without(4, set())
    generator = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match="all 6 pairs of the 4 nodes are edges"):
        sample_non_edges(edges, 4, 1, generator)


def record_scored_pairs(monkeypatch) -> list[torch.Tensor]:
    """Make ``select_rank`` append every pair tensor it scores to the returned list."""
    scored: list[torch.Tensor] = []
    score_pairs = linkpred.score_pairs

    def recording(u, s, v, pairs):
        scored.append(pairs.clone())
        return score_pairs(u, s, v, pairs)

    monkeypatch.setattr(linkpred, "score_pairs", recording)
    return scored


def test_select_rank_negatives_are_non_edges(monkeypatch):
    missing = {(0, 5), (1, 6), (2, 7), (3, 8), (4, 9)}
    edges = complete_graph_without(10, missing)
    scored = record_scored_pairs(monkeypatch)
    config = LinkPredictionConfig(rank=0, window=2, dtype=torch.float64)
    select_rank(edges, 10, config, candidates=(4,))
    held, negatives = scored
    assert held.shape[1] == 24  # 40 edges, of which 16 are fitted
    assert negatives.shape[1] == 5 * 24
    assert pair_set(negatives) <= missing


def test_select_rank_keeps_directions_together(monkeypatch):
    one_way = complete_graph_without(10, {(0, 5), (1, 6), (2, 7)})
    both_ways = torch.cat([one_way, one_way.flip(0)], dim=1)
    fitted: list[torch.Tensor] = []
    embed = linkpred.embed

    def recording_embed(edge_index, *args, **kwargs):
        fitted.append(edge_index.clone())
        return embed(edge_index, *args, **kwargs)

    monkeypatch.setattr(linkpred, "embed", recording_embed)
    scored = record_scored_pairs(monkeypatch)
    config = LinkPredictionConfig(rank=0, window=2, dtype=torch.float64)
    select_rank(both_ways, 10, config, candidates=(4,))
    fit_pairs, held_pairs = pair_set(fitted[0]), pair_set(scored[0])
    assert fitted[0].shape[1] + scored[0].shape[1] == one_way.shape[1]
    assert not fit_pairs & held_pairs
