"""Partitioning rejects edge ids outside the graph and edge_index of the wrong form."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed import partition_nodes, partition_payloads

PARTS = torch.tensor([0, 0, 1, 1, 1])


@pytest.mark.parametrize("method", ["metis", "random"])
@pytest.mark.parametrize(
    ("edges", "bad_id"), [([[0, 1], [7, 2]], 7), ([[0, -1], [1, 2]], -1)]
)
def test_out_of_range_id_rejected(method, edges, bad_id):
    with pytest.raises(ValueError, match=f"node id {bad_id}, but node ids must lie in"):
        partition_nodes(torch.tensor(edges), 5, 2, method)


@pytest.mark.parametrize(
    ("edges", "bad_id"), [([[0, 1], [5, 2]], 5), ([[0, -1], [1, 2]], -1)]
)
def test_payload_out_of_range_rejected(edges, bad_id):
    data = Data(edge_index=torch.tensor(edges), num_nodes=5)
    with pytest.raises(ValueError, match=rf"node id {bad_id}, .* \[0, 5\)"):
        list(partition_payloads(data, PARTS, 2))


def test_transposed_edge_index_rejected():
    edge_index = torch.tensor([[0, 1], [1, 2], [2, 3]])
    with pytest.raises(ValueError, match=r"shape \[2, E\], got \[3, 2\]"):
        partition_nodes(edge_index, 5, 2, "metis")


def test_float_edge_index_rejected():
    edge_index = torch.tensor([[0.0, 1.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match="integer dtype"):
        partition_nodes(edge_index, 5, 2, "metis")


def test_highest_valid_id_accepted():
    edge_index = torch.tensor([[0, 4], [4, 0]], dtype=torch.int32)
    parts = partition_nodes(edge_index, 5, 2, "metis")
    assert parts.shape == (5,)
    data = Data(edge_index=edge_index, num_nodes=5)
    payloads = dict(partition_payloads(data, PARTS, 2))
    edges = sum(int(block.size(1)) for p in payloads.values() for block in p["edges"])
    assert edges == 2
