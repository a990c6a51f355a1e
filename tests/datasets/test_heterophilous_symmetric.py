"""is_symmetric returns the result of PyG's is_undirected with one sort instead of two."""

import pytest
import torch
from torch_geometric.utils import is_undirected

from graphkit.datasets.heterophilous import is_symmetric


@pytest.mark.parametrize(
    "edges, expected",
    [
        ([[0, 1], [1, 0]], True),
        ([[0, 1]], False),
        ([[1, 0], [0, 1], [2, 2]], True),  # unsorted, with a self-loop
        ([[0, 1], [0, 1], [1, 0]], False),  # a repeated edge without its repeated reverse
        ([[0, 1], [0, 1], [1, 0], [1, 0]], True),
        ([[0, 2], [1, 0], [2, 1]], False),  # a directed cycle
    ],
)
def test_is_symmetric_small_cases(edges, expected):
    edge_index = torch.tensor(edges).t()
    assert is_symmetric(edge_index, 3) is expected
    assert is_undirected(edge_index, num_nodes=3) is expected


def test_is_symmetric_empty_graph():
    assert is_symmetric(torch.zeros(2, 0, dtype=torch.long), 0) is True


@pytest.mark.parametrize("seed", range(4))
def test_is_symmetric_matches_pyg_on_random_graphs(seed):
    generator = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(6, (2, 12), generator=generator)
    symmetric = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    shuffled = symmetric[:, torch.randperm(24, generator=generator)]
    for edges in (edge_index, symmetric, shuffled, shuffled[:, 1:]):
        assert is_symmetric(edges, 6) == is_undirected(edges, num_nodes=6)
    assert is_symmetric(shuffled, 6) is True
