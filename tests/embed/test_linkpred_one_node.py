"""Negative sampling on graphs with fewer than two nodes."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.linkpred import sample_non_edges


@pytest.mark.parametrize("num_nodes", [0, 1])
def test_no_pair_of_distinct_nodes(num_nodes):
    # The cause is the node count, not edges that fill every pair.
    edges = torch.zeros(2, 0, dtype=torch.long)
    generator = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match=f"a graph of {num_nodes} node"):
        sample_non_edges(edges, num_nodes, 1, generator)


def test_zero_count_on_one_node():
    edges = torch.zeros(2, 0, dtype=torch.long)
    generator = torch.Generator().manual_seed(0)
    assert sample_non_edges(edges, 1, 0, generator).shape == (2, 0)
