"""wys_matrix rejects a fractional window and a fractional node count by name."""

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
