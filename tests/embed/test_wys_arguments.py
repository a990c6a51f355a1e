"""wys_matrix rejects a fractional window, node count or negative rank by name."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.wys import context_weights, symmetric_adjacency, wys_matrix

EDGES = torch.tensor([[0, 1], [1, 2]])


@pytest.mark.parametrize("window", [2.5, True])
def test_window_must_be_whole(window):
    # Without the check, 2.5 fails inside range() and True passes as window 1.
    with pytest.raises(ValueError, match=rf"window must be >= 1 .*got {window!r}"):
        wys_matrix(EDGES, 3, window=window)


def test_num_nodes_must_be_int():
    with pytest.raises(TypeError, match=r"num_nodes must be an int, got 3\.0"):
        symmetric_adjacency(EDGES, 3.0)


def test_window_weights_sum_to_one():
    # q_j = (C - j + 1) / (C (C + 1) / 2) for C = 3: 3/6, 2/6, 1/6.
    assert context_weights(3) == pytest.approx([0.5, 1 / 3, 1 / 6])


def test_negative_rank_above_node_count():
    # Unchecked, the rank-5 SVD of a 3 x 3 adjacency would fail inside randomized_svd
    # with "rank must lie in [1, 3]", which names no argument of wys_matrix.
    with pytest.raises(ValueError, match=r"negative_rank=5 is invalid for 3 nodes"):
        wys_matrix(EDGES, 3, negative_rank=5)


@pytest.mark.parametrize("rank", [2.5, True])
def test_negative_rank_must_be_int(rank):
    # Unchecked, True would pass as rank 1, which drops the "- A" of the negative term.
    with pytest.raises(TypeError, match=rf"negative_rank must be an int, got {rank!r}"):
        wys_matrix(EDGES, 3, negative_rank=rank)


def test_negative_rank_equal_to_node_count():
    # With r = n the rank-r SVD is A itself, so M equals the negative_rank=0 matrix.
    full = wys_matrix(EDGES, 3, negative_rank=3, dtype=torch.float64).to_dense()
    exact = wys_matrix(EDGES, 3, negative_rank=0, dtype=torch.float64).to_dense()
    assert torch.allclose(full, exact, atol=1e-6)
