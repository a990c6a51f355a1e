"""The undirected simple graph handed to METIS keeps every edge."""

import torch
from graphkit.distributed.partition import _symmetric_csr


def neighbours(indptr, indices, node):
    return sorted(indices[indptr[node] : indptr[node + 1]].tolist())


def test_edge_repeated_256_times_is_kept():
    edges = torch.tensor([[0] * 256 + [1], [1] * 256 + [2]])
    indptr, indices = _symmetric_csr(edges, 3)
    assert neighbours(indptr, indices, 0) == [1]
    assert neighbours(indptr, indices, 1) == [0, 2]
    assert neighbours(indptr, indices, 2) == [1]


def test_edge_repeated_both_ways_is_kept():
    edges = torch.tensor([[0] * 128 + [1] * 128, [1] * 128 + [0] * 128])
    indptr, indices = _symmetric_csr(edges, 2)
    assert neighbours(indptr, indices, 0) == [1]
    assert neighbours(indptr, indices, 1) == [0]


def test_self_loops_dropped_and_direction_symmetrised():
    edges = torch.tensor([[0, 2, 2], [1, 2, 0]])
    indptr, indices = _symmetric_csr(edges, 3)
    assert neighbours(indptr, indices, 0) == [1, 2]
    assert neighbours(indptr, indices, 1) == [0]
    assert neighbours(indptr, indices, 2) == [0]
