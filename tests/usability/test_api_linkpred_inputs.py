"""The implicit-SVD link-prediction helpers check their node pairs and edge lists."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.linkpred import score_pairs
from graphkit.embed.wys import symmetric_adjacency

EDGE_INDEX = torch.tensor([[0, 1, 2], [1, 2, 3]])


def _factors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    u = torch.arange(8.0).view(4, 2)
    return u, torch.tensor([1.0, 2.0]), u + 1


def test_score_pairs_value():
    u, s, v = _factors()
    # pair (0, 1): 0.5 * (sum(u0 * s * v1) + sum(u1 * s * v0)) = 0.5 * (8 + 14)
    assert score_pairs(u, s, v, torch.tensor([[0], [1]])).tolist() == [11.0]


def test_score_pairs_transposed_rejected():
    u, s, v = _factors()
    pairs = torch.tensor([[0, 1], [1, 2], [2, 3]])
    with pytest.raises(
        ValueError, match=r"pairs must have shape \[2, P\], got \[3, 2\]"
    ):
        score_pairs(u, s, v, pairs)


@pytest.mark.parametrize("bad_id", [4, -1])
def test_score_pairs_out_of_range_rejected(bad_id):
    u, s, v = _factors()
    with pytest.raises(
        ValueError, match=rf"pairs must contain node ids in \[0, 4\), found {bad_id}"
    ):
        score_pairs(u, s, v, torch.tensor([[0, bad_id], [1, 2]]))


def test_symmetric_adjacency_float_edges_rejected():
    with pytest.raises(TypeError, match="edge_index must have an integer dtype"):
        symmetric_adjacency(EDGE_INDEX.float() + 0.5, 4)


def test_symmetric_adjacency_negative_id_rejected():
    with pytest.raises(ValueError, match=r"node ids in \[0, 4\), found -1"):
        symmetric_adjacency(EDGE_INDEX - 1, 4)
