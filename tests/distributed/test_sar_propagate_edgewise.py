"""ShardedGraph.propagate rejects message functions that mix edges."""

import pytest
import torch
from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from harness import run_world
from torch_geometric.data import Data

from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

# Each rank owns two nodes and two edges among them, and one edge from the other rank.
EDGES = torch.tensor([[0, 1, 2, 3, 1, 2], [1, 0, 3, 2, 2, 1]])
PARTS = torch.tensor([0, 0, 1, 1])
WEIGHTS = torch.tensor([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
X = torch.arange(8.0).view(4, 2)


def _share_of_weight(x_j, x_i, edge_attr):
    """Weight each message by its edge's share of the weights passed in the call."""
    return x_j * edge_attr / edge_attr.sum()


def _weighted(x_j, x_i, edge_attr):
    return x_j * edge_attr


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, edge_attr=WEIGHTS, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    x = X[payload["global_ids"]]
    weighted = graph.propagate(_weighted, x, "sum").tolist()
    with pytest.raises(ValueError) as error:
        graph.propagate(_share_of_weight, x, "sum")
    return weighted, str(error.value)


def test_edge_mixing_message_rejected():
    results = run_world(_on_ranks, 2)
    want = LocalGraph(EDGES, 4, edge_attr=WEIGHTS).propagate(_weighted, X, "sum")
    # The edgewise message still matches one process.
    assert results[0][0] == want[:2].tolist()
    assert results[1][0] == want[2:].tolist()
    for rank, (_, message) in enumerate(results):
        assert message.startswith(f"rank {rank}: the propagate message function gives")
        assert "mixes edges" in message
