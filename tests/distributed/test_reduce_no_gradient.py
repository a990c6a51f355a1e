"""``reduce_sum`` and ``reduce_max`` pass no gradient, in one process as on several ranks.

Both are documented as reductions without gradient, and ``ShardedGraph`` detaches
their input. A ``LocalGraph`` that returned its input unchanged would let the
gradient through, so a model that adds a reduced term would train differently in
one process than distributed.

The model is ``out = w * x + reduce(w * x)`` with one scalar weight ``w = 1`` and
``x = [1, 2, 3, 4]``, and the loss is ``out.sum()``. Without gradient through the
reduction, ``d loss / d w = sum(x) = 10``. Through ``reduce_sum`` it would be
``10 + 4 * 10 = 50``, and through ``reduce_max`` ``10 + 4 * 4 = 26``.
"""

import pytest
import torch
from harness import run_world
from torch import nn
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
PARTS = torch.tensor([0, 0, 1, 1])
REDUCTIONS = ["reduce_sum", "reduce_max"]


class _Scaled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1))

    def forward(self, x, graph, reduction: str):
        h = self.weight * x
        reduce = getattr(graph, reduction)
        local = h.sum(0) if reduction == "reduce_sum" else h.amax(0)
        return h + reduce(local)


def _weight_gradient(model, x, graph, reduction):
    model(x, graph, reduction).sum().backward()
    graph.sync_gradients(model)
    return float(model.weight.grad)


def _distributed_gradients(rank: int, world_size: int) -> dict[str, float]:
    data = Data(x=X, edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    x = X[payload["global_ids"]]
    return {r: _weight_gradient(_Scaled(), x, graph, r) for r in REDUCTIONS}


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_local_reduction_passes_no_gradient(reduction):
    graph = LocalGraph(EDGES, 4)
    assert _weight_gradient(_Scaled(), X, graph, reduction) == 10.0


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_local_reduction_returns_copy(reduction):
    t = torch.tensor([1.0, 2.0])
    reduced = getattr(LocalGraph(EDGES, 4), reduction)(t)
    reduced.add_(1.0)
    assert t.tolist() == [1.0, 2.0]


def test_distributed_reduction_passes_no_gradient():
    for rank_gradients in run_world(_distributed_gradients, 2):
        assert rank_gradients == {"reduce_sum": 10.0, "reduce_max": 10.0}
