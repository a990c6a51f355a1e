"""The graph metrics reject edge lists whose ids are not integers."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import build_labelled_graph, edge_homophily

EDGE_INDEX = torch.tensor([[0, 1, 2], [1, 2, 0]])
LABELS = torch.tensor([0, 0, 1])


def test_int32_edges_homophily_value():
    # One of the three undirected edges joins equal labels, so 2 of 6 directed edges do.
    assert edge_homophily(EDGE_INDEX.int(), LABELS) == pytest.approx(1 / 3)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bool])
def test_non_integer_edges_rejected(dtype):
    with pytest.raises(
        TypeError, match=f"edge_index must have an integer dtype, got {dtype}"
    ):
        build_labelled_graph(EDGE_INDEX.to(dtype), LABELS)
