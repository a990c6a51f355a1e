"""NaN inputs give the distributed propagate and attend the gradients of one process.

One process reduces a propagate's messages with ``scatter_reduce``, whose backward
pass gives every edge into a NaN maximum a NaN gradient: no message equals NaN, so
the gradient is divided by a tie count of 0 and multiplied by 0. A NaN or infinite
gradient of the output reaches the edges that are not the maximum in the same way.
The distributed propagate must give those edges the same NaN gradients, not zeros.
"""

import pytest
import torch
from harness import run_world
from torch import nn
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

NAN = float("nan")
MODES = ["sar", "sa", "one-shot"]
PARTS = torch.tensor([0, 0, 1, 1, 0])
# Node 0 receives from nodes 1 (rank 0) and 2 (rank 1), node 1 from node 2 only, node 3
# from nodes 0 and 4, node 4 from none. Column 0 of node 2 is NaN, so the maxima of
# nodes 0 and 1 are NaN there. Column 1 is finite everywhere.
EDGES = torch.tensor([[1, 2, 2, 0, 4], [0, 0, 1, 3, 3]])
X = torch.tensor([[3.0, 1.0], [1.0, 2.0], [NAN, 4.0], [0.0, 0.0], [5.0, 5.0]])
# Output gradients: finite, or NaN in column 1 of node 3, whose maximum is finite.
OUTPUT_GRADS = {
    "finite": torch.arange(1.0, 11.0).view(5, 2),
    "nan": torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, NAN], [9.0, 10.0]]),
}


class _Scaled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([2.0, 0.5]))

    def forward(self, x_j, x_i, edge_attr):
        return x_j * self.scale


def _local(reduce: str, grads: str) -> dict:
    message = _Scaled()
    x = X.clone().requires_grad_(True)
    out = LocalGraph(EDGES, 5).propagate(message, x, reduce)
    out.backward(OUTPUT_GRADS[grads])
    return {"out": out.detach(), "x": x.grad, "scale": message.scale.grad}


def _sharded(rank: int, world_size: int, reduce: str, grads: str, mode: str) -> dict:
    data = Data(edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode)
    ids = payload["global_ids"]
    message = _Scaled()
    x = X[ids].clone().requires_grad_(True)
    out = graph.propagate(message, x, reduce)
    out.backward(OUTPUT_GRADS[grads][ids])
    graph.sync_gradients(message)
    return {
        "ids": ids.tolist(),
        "out": out.detach().tolist(),
        "x": x.grad.tolist(),
        "scale": message.scale.grad.tolist(),
    }


def test_local_propagate_nan_hand_values():
    # Nodes 1 and 2, the sources of the edges into nodes 0 and 1, get NaN in column
    # 0. Node 3's NaN output gradient reaches its sources 0 and 4 in column 1.
    got = _local("max", "nan")
    assert got["out"][:, 1].tolist() == [2.0, 2.0, 0.0, 2.5, 0.0]
    assert got["x"][:, 0].isnan().tolist() == [False, True, True, False, False]
    assert got["x"][:, 1].isnan().tolist() == [True, False, False, False, True]
    assert got["x"][3].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("grads", sorted(OUTPUT_GRADS))
@pytest.mark.parametrize("reduce", ["max", "min"])
def test_propagate_nan_gradients_match_local_graph(reduce, grads, mode):
    expected = _local(reduce, grads)
    for got in run_world(_sharded, 2, reduce, grads, mode):
        ids = got["ids"]
        case = f"{reduce}/{grads}/{mode} ranks of nodes {ids}"
        for name in ("out", "x"):
            assert_close(
                torch.tensor(got[name]),
                expected[name][ids],
                equal_nan=True,
                msg=f"{case}: {name}",
            )
        assert_close(
            torch.tensor(got["scale"]),
            expected["scale"],
            equal_nan=True,
            msg=f"{case}: scale",
        )


def _aggregate_local(reduce: str, grads: str) -> list[torch.Tensor]:
    x = X.clone().requires_grad_(True)
    out = LocalGraph(EDGES, 5).aggregate(x, reduce)
    out.backward(OUTPUT_GRADS[grads])
    return [out.detach(), x.grad]


def _aggregate_sharded(rank: int, world_size: int, reduce: str, grads: str, mode):
    data = Data(edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode)
    ids = payload["global_ids"]
    x = X[ids].clone().requires_grad_(True)
    out = graph.aggregate(x, reduce)
    out.backward(OUTPUT_GRADS[grads][ids])
    return ids.tolist(), [out.detach().tolist(), x.grad.tolist()]


@pytest.mark.parametrize("mode", ["sar", "sa"])
@pytest.mark.parametrize("grads", sorted(OUTPUT_GRADS))
@pytest.mark.parametrize("reduce", ["max", "min"])
def test_aggregate_nan_gradients_match_local_graph(reduce, grads, mode):
    # LocalGraph.aggregate uses a segment kernel, which gives the edges into a NaN
    # maximum zero gradients, unlike propagate's scatter_reduce.
    expected = _aggregate_local(reduce, grads)
    for ids, got in run_world(_aggregate_sharded, 2, reduce, grads, mode):
        for name, tensor, want in zip(("out", "x"), got, expected):
            assert_close(
                torch.tensor(tensor),
                want[ids],
                equal_nan=True,
                msg=f"{reduce}/{grads}/{mode} nodes {ids}: {name}",
            )


# Attention: random values with one NaN score or value, of a node with in-edges and
# out-edges.
NAN_NODE = {"value": 2, "score_src": 2, "score_dst": 0}
ATTENTION_EDGES = torch.tensor(
    [[1, 2, 2, 0, 4, 3, 1], [0, 0, 1, 3, 3, 4, 4]]
)  # fmt: skip


def _attention_inputs(where: str) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(7)
    value = torch.randn(5, 2, 3, generator=generator)
    score_src = torch.randn(5, 2, generator=generator)
    score_dst = torch.randn(5, 2, generator=generator)
    inputs = {"value": value, "score_src": score_src, "score_dst": score_dst}
    inputs[where][NAN_NODE[where], 0] = NAN
    return [value, score_src, score_dst]


def _attend_local(where: str, self_loops: bool) -> list[torch.Tensor]:
    inputs = [t.requires_grad_(True) for t in _attention_inputs(where)]
    out = LocalGraph(ATTENTION_EDGES, 5).attend(*inputs, self_loops=self_loops)
    out.backward(torch.ones_like(out))
    return [out.detach()] + [t.grad for t in inputs]


def _attend_sharded(rank: int, world_size: int, where: str, self_loops: bool, mode):
    data = Data(edge_index=ATTENTION_EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode)
    ids = payload["global_ids"]
    inputs = [t[ids].clone().requires_grad_(True) for t in _attention_inputs(where)]
    out = graph.attend(*inputs, self_loops=self_loops)
    out.backward(torch.ones_like(out))
    return ids.tolist(), [t.tolist() for t in [out.detach()] + [t.grad for t in inputs]]


@pytest.mark.parametrize("mode", ["sar", "sa"])
@pytest.mark.parametrize("self_loops", [True, False])
@pytest.mark.parametrize("where", ["value", "score_src", "score_dst"])
def test_attend_nan_gradients_match_local_graph(where, self_loops, mode):
    expected = _attend_local(where, self_loops)
    assert any(t.isnan().any() for t in expected[1:]), "no gradient is NaN"
    results = run_world(_attend_sharded, 2, where, self_loops, mode)
    for ids, got in results:
        names = ("out", "value", "score_src", "score_dst")
        for name, tensor, want in zip(names, got, expected):
            assert_close(
                torch.tensor(tensor),
                want[ids],
                equal_nan=True,
                msg=f"{where}/{self_loops}/{mode} nodes {ids}: {name}",
            )
