"""Distributed max and min keep a neighbour's infinite value, as one process does."""

import pytest
import torch
from torch.testing import assert_close

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph
from harness import run_world
from torch_geometric.data import Data

pytestmark = pytest.mark.distributed

# Node 0 receives from nodes 2 and 3 (rank 1), node 1 from node 2 only, node 4 from
# none. Column 0 of node 3 is +inf and column 1 of node 2 is -inf.
EDGES = torch.tensor([[2, 3, 2], [0, 0, 1]])
X = torch.tensor(
    [[0.0, 0.0], [0.0, 0.0], [1.0, float("-inf")], [float("inf"), 2.0], [5.0, 5.0]]
)
PARTS = torch.tensor([0, 0, 1, 1, 0])


class _SourceMessage(torch.nn.Module):
    def forward(self, x_j, x_i, edge_attr):
        return x_j


def _aggregate_on_ranks(rank: int, world_size: int):
    data = Data(x=X, edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in ("sar", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode, True)
        for reduce in ("max", "min"):
            results[mode, reduce, "aggregate"] = graph.aggregate(
                X[ids], reduce
            ).tolist()
            results[mode, reduce, "propagate"] = graph.propagate(
                _SourceMessage(), X[ids], reduce=reduce
            ).tolist()
    # Plain lists, because tensors sent through the result queue share memory with
    # a process that exits.
    return ids.tolist(), results


def test_infinite_neighbour_values_kept():
    local = LocalGraph(EDGES, 5)
    for ids, results in run_world(_aggregate_on_ranks, 2):
        for (mode, reduce, kind), got in results.items():
            got = torch.tensor(got)
            want = local.aggregate(X, reduce)[ids]
            assert_close(got, want, msg=f"{mode} {reduce} {kind}")
            if kind == "propagate":
                want = local.propagate(_SourceMessage(), X, reduce=reduce)[ids]
                assert_close(got, want, msg=f"{mode} {reduce} one-process propagate")
    # The hand values of one process: +inf and -inf stay, node 4 without edges is 0.
    assert local.aggregate(X, "max").tolist()[0] == [float("inf"), 2.0]
    assert local.aggregate(X, "min").tolist()[1] == [1.0, float("-inf")]
    assert local.aggregate(X, "max").tolist()[4] == [0.0, 0.0]
