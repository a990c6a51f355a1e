"""Counts given as one-element integer tensors, such as ``edge_index.max() + 1``.

The embed builders and the relation graph accept such a tensor and give the same
result for it as for the equal int.
"""

import numpy as np
import pytest
import torch

from graphkit.embed.leaves import SparseMatrix
from graphkit.embed.linkpred import sample_non_edges, unique_undirected_edges
from graphkit.embed.wys import context_weights, symmetric_adjacency, wys_matrix
from graphkit.kg.relation_graph import build_relation_graph
from graphkit.whole_numbers import as_whole_number

EDGES = torch.tensor([[0, 1, 2, 2], [1, 2, 0, 3]])


def _dense(matrix) -> torch.Tensor:
    return matrix.matmul(torch.eye(matrix.shape[1]))


def test_sparse_leaves_take_a_tensor_count():
    count = EDGES.max() + 1
    assert isinstance(count, torch.Tensor)
    expected = torch.zeros(4, 4)
    expected[EDGES[0], EDGES[1]] = 1
    assert torch.equal(_dense(SparseMatrix.from_edge_index(EDGES, count)), expected)
    symmetric = expected + expected.T
    assert torch.equal(_dense(symmetric_adjacency(EDGES, count)), symmetric)
    wys = _dense(wys_matrix(EDGES, count, window=2))
    assert torch.equal(wys, _dense(wys_matrix(EDGES, 4, window=2)))


def test_link_helpers_take_a_tensor_count():
    count = torch.tensor(4)
    both = torch.cat([EDGES, EDGES.flip(0)], dim=1)
    assert torch.equal(unique_undirected_edges(both, count), EDGES)
    drawn = sample_non_edges(EDGES, count, 2, torch.Generator().manual_seed(0))
    again = sample_non_edges(EDGES, 4, 2, torch.Generator().manual_seed(0))
    assert torch.equal(drawn, again)


def test_context_weights_take_a_tensor_window():
    # q_j = (C - j + 1) / (C (C + 1) / 2) for C = 3: 3/6, 2/6, 1/6.
    assert context_weights(torch.tensor(3)) == [0.5, 2 / 6, 1 / 6]


def test_relation_graph_takes_tensor_counts():
    edge_type = torch.tensor([0, 1, 0, 1])
    graph = build_relation_graph(EDGES, edge_type, torch.tensor(4), torch.tensor(2))
    expected = build_relation_graph(EDGES, edge_type, 4, 2)
    assert torch.equal(graph.edge_index, expected.edge_index)
    assert torch.equal(graph.edge_type, expected.edge_type)


@pytest.mark.parametrize(
    "value",
    [torch.tensor(True), torch.tensor(3.0), torch.tensor([3, 4]), True, 3.0],
    ids=["bool tensor", "float tensor", "two elements", "bool", "float"],
)
def test_non_whole_numbers_rejected(value):
    assert as_whole_number(value) is None
    with pytest.raises(TypeError, match="num_nodes must be an int"):
        symmetric_adjacency(EDGES, value)


def test_whole_numbers_accepted():
    int32_vector = torch.tensor([4], dtype=torch.int32)
    for value in (4, np.int64(4), torch.tensor(4), int32_vector):
        assert as_whole_number(value) == 4
        assert type(as_whole_number(value)) is int
