"""ShardedGraph.propagate without edges gives zero gradients, as one process does.

LocalGraph calls the message on zero edges, so every parameter the message reads gets
a zero gradient and a parameter it does not read keeps ``grad = None``. A rank of the
distributed graph that no edge enters computed no message, so on a graph without edges
every parameter kept None. Optimizers skip such a parameter, so weight decay and momentum
no longer moved it as they do in one process.
"""

import pytest
import torch
from graphkit.distributed import ShardedGraph
from graphkit.distributed.runtime import communicator
from harness import run_world
from torch import nn

from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

MODES = [("sar", True), ("sa", True), ("one-shot", True), ("one-shot", False)]
REDUCES = ["sum", "mean", "max"]


class _Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 3)
        self.unused = nn.Parameter(torch.ones(3))

    def message(self, x_j, x_i, edge_attr):
        return self.lin(x_j - x_i)

    def forward(self, x, graph, reduce):
        return graph.propagate(self.message, x, reduce)


def _gradients(graph, x, reduce):
    """Return the output of ``_Model`` and the gradient of each of its parameters."""
    torch.manual_seed(0)
    model = _Model()
    x = x.clone().requires_grad_(True)
    out = model(x, graph, reduce)
    out.sum().backward()
    graph.sync_gradients(model)
    return out.detach(), {name: p.grad for name, p in model.named_parameters()}


def _edgeless_ranks(rank, world_size):
    """Return the output and gradients per mode and reduction.

    Each rank has two nodes, and no node has an edge.
    """
    node_ranges = torch.arange(world_size + 1) * 2
    edges = [torch.empty(2, 0, dtype=torch.long) for _ in range(world_size)]
    x = torch.arange(4.0).view(2, 2) + 4 * rank
    results = {}
    for mode, fast in MODES:
        graph = ShardedGraph(communicator(), node_ranges, edges, mode=mode, fast=fast)
        for reduce in REDUCES:
            results[mode, fast, reduce] = _gradients(graph, x, reduce)
    return results


@pytest.mark.parametrize("world_size", [1, 2])
def test_edgeless_graph_gives_zero_gradients(world_size):
    local = LocalGraph(torch.empty(2, 0, dtype=torch.long), 2 * world_size)
    _, want = _gradients(local, torch.zeros(2 * world_size, 2), "sum")
    # One process: the message reads lin's weight and bias, so both get zeros.
    assert torch.equal(want["lin.weight"], torch.zeros(3, 2))
    assert torch.equal(want["lin.bias"], torch.zeros(3))
    assert want["unused"] is None
    for results in run_world(_edgeless_ranks, world_size):
        for case, (out, grads) in results.items():
            assert torch.equal(out, torch.zeros(2, 3)), case
            assert grads["lin.weight"] is not None, case
            assert torch.equal(grads["lin.weight"], torch.zeros(3, 2)), case
            assert grads["lin.bias"] is not None, case
            assert torch.equal(grads["lin.bias"], torch.zeros(3)), case
            assert grads["unused"] is None, case
