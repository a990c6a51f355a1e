"""Distributed max and min keep a neighbour's NaN or infinite value, as one process does."""

import math

import pytest
import torch
from harness import run_world
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

NAN, INF = float("nan"), float("inf")
PARTS = torch.tensor([0, 0, 1, 1, 0])
# Node 0 receives from nodes 1 (rank 0) and 2 (rank 1), node 1 from node 2 only, node 3
# from node 0 only, node 4 from none. Column 0 of node 2 is NaN, so nodes 0 and 1 get
# NaN there. Column 1 is finite everywhere.
NAN_EDGES = torch.tensor([[1, 2, 2, 0], [0, 0, 1, 3]])
NAN_X = torch.tensor([[3.0, 1.0], [1.0, 2.0], [NAN, 4.0], [0.0, 0.0], [5.0, 5.0]])
# Node 0 receives from nodes 2 and 3 (rank 1), node 1 from node 2 only, node 4 from
# none. Column 0 of node 3 is +inf and column 1 of node 2 is -inf.
INF_EDGES = torch.tensor([[2, 3, 2], [0, 0, 1]])
INF_X = torch.tensor([[0.0, 0.0], [0.0, 0.0], [1.0, -INF], [INF, 2.0], [5.0, 5.0]])


class _SourceMessage(torch.nn.Module):
    def forward(self, x_j, x_i, edge_attr):
        return x_j


def _aggregate_on_ranks(rank: int, world_size: int, x_all, edges, modes):
    """Return each mode's max and min outputs and input gradients on this rank's nodes."""
    data = Data(x=x_all, edge_index=edges, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in modes:
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for reduce in ("max", "min"):
            x = x_all[ids].clone().requires_grad_(True)
            out = graph.aggregate(x, reduce)
            out.nan_to_num(0.0).sum().backward()
            results[mode, reduce, "aggregate"] = (out.tolist(), x.grad.tolist())
            out = graph.propagate(_SourceMessage(), x_all[ids], reduce=reduce)
            results[mode, reduce, "propagate"] = (out.tolist(), None)
    # Plain lists, because tensors sent through the result queue share memory with
    # a process that exits.
    return ids.tolist(), results


def _one_process(x_all, edges, reduce: str):
    x = x_all.clone().requires_grad_(True)
    out = LocalGraph(edges, 5).aggregate(x, reduce)
    out.nan_to_num(0.0).sum().backward()
    return out.detach(), x.grad


def _check_ranks(x_all, edges, modes):
    """Compare every rank's outputs and gradients with one process's."""
    local = LocalGraph(edges, 5)
    wants = {reduce: _one_process(x_all, edges, reduce) for reduce in ("max", "min")}
    for ids, results in run_world(_aggregate_on_ranks, 2, x_all, edges, modes):
        for (mode, reduce, kind), (got, got_grad) in results.items():
            case = f"{mode} {reduce} {kind}"
            want, want_grad = wants[reduce]
            assert_close(torch.tensor(got), want[ids], equal_nan=True, msg=case)
            if got_grad is not None:
                assert_close(torch.tensor(got_grad), want_grad[ids], msg=case)
            else:
                message = local.propagate(_SourceMessage(), x_all, reduce=reduce)
                assert_close(
                    torch.tensor(got),
                    message[ids],
                    equal_nan=True,
                    msg=f"{case}, one-process propagate",
                )


def test_nan_neighbour_kept():
    # The hand values of one process: NaN wins in column 0, node 4 without edges is 0.
    out, grad = _one_process(NAN_X, NAN_EDGES, "max")
    assert math.isnan(out[0, 0])
    assert math.isnan(out[1, 0])
    assert out[:, 1].tolist() == [4.0, 4.0, 0.0, 1.0, 0.0]
    assert out[4].tolist() == [0.0, 0.0]
    assert grad[:, 0].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    _check_ranks(NAN_X, NAN_EDGES, ("sar", "sa", "one-shot"))


def test_infinite_neighbour_values_kept():
    # The hand values of one process: +inf and -inf stay, node 4 without edges is 0.
    local = LocalGraph(INF_EDGES, 5)
    assert local.aggregate(INF_X, "max").tolist()[0] == [INF, 2.0]
    assert local.aggregate(INF_X, "min").tolist()[1] == [1.0, -INF]
    assert local.aggregate(INF_X, "max").tolist()[4] == [0.0, 0.0]
    _check_ranks(INF_X, INF_EDGES, ("sar", "one-shot"))
