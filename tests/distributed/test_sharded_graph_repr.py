"""Printing a ShardedGraph shows the rank, its node and in-edge counts and the mode."""

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator

pytestmark = pytest.mark.distributed

# Rank 0 owns nodes 0, 1 and 2 and receives 1 -> 0, 3 -> 0 and 0 -> 2. Rank 1 owns
# node 3 and receives 2 -> 3.
EDGES = torch.tensor([[1, 3, 0, 2], [0, 0, 2, 3]])
PARTS = torch.tensor([0, 0, 0, 1])


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    return repr(ShardedGraph.from_partition(communicator(), payload, "sa"))


def test_sharded_graph_repr():
    assert run_world(_on_ranks, 2) == [
        "ShardedGraph(rank=0, world_size=2, num_nodes=3, num_global_nodes=4, "
        "num_edges=3, mode='sa')",
        "ShardedGraph(rank=1, world_size=2, num_nodes=1, num_global_nodes=4, "
        "num_edges=1, mode='sa')",
    ]
