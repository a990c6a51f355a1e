"""partition_payloads reads the edges of a Data that has adj_t instead of edge_index.

PyG's ToSparseTensor replaces edge_index by adj_t, which LocalGraph.from_data reads.
Reading data.edge_index alone, partition_payloads would fail on such a Data with
"edge_index must be a torch.Tensor of shape [2, E], got NoneType".
"""

import pytest
import torch
import torch_geometric.transforms as T
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

# Directed edges, so that reading adj_t the wrong way round changes the sums.
EDGES = torch.tensor([[0, 0, 1, 3, 2], [1, 2, 2, 0, 3]])
EDGE_ATTR = torch.tensor([[1.0], [10.0], [100.0], [1000.0], [10000.0]])
X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
PARTS = torch.tensor([0, 0, 1, 1])


def _sparse_data():
    data = Data(x=X, edge_index=EDGES, edge_attr=EDGE_ATTR)
    return T.ToSparseTensor()(data)


def _weighted(x_j, x_i, edge_attr):
    return x_j * edge_attr


def _on_ranks(rank: int, world_size: int):
    payloads = partition_payloads(_sparse_data(), PARTS, world_size, ranks=[rank])
    _, payload = next(payloads)
    graph = ShardedGraph.from_partition(communicator(), payload, "sar")
    x = payload["x"]
    return (
        payload["global_ids"].tolist(),
        graph.aggregate(x, "sum").tolist(),
        graph.propagate(_weighted, x, "sum").tolist(),
    )


def test_adj_t_data_partitioned():
    data = _sparse_data()
    assert "edge_index" not in data
    local = LocalGraph.from_data(data)
    want_sum = local.aggregate(X, "sum")
    want_weighted = local.propagate(_weighted, X, "sum")
    # Hand values: node 2 receives 1 from node 0 (weight 10) and 2 from node 1 (100).
    assert want_sum.flatten().tolist() == [4.0, 1.0, 3.0, 3.0]
    assert want_weighted.flatten().tolist() == [4000.0, 1.0, 210.0, 30000.0]
    for ids, got_sum, got_weighted in run_world(_on_ranks, 2):
        assert got_sum == want_sum[ids].tolist()
        assert got_weighted == want_weighted[ids].tolist()


def test_missing_edges_named():
    data = Data(x=X, num_nodes=4)
    with pytest.raises(ValueError, match="data.edge_index is missing"):
        next(partition_payloads(data, PARTS, 2))
