"""A second backward pass through SAR aggregations, kept with ``retain_graph=True``.

One process can call ``backward`` twice on a graph kept with ``retain_graph=True``, and
the gradients of both passes add up. ``ShardedGraph.propagate`` cleared the message's
inputs after its first backward pass, so the second one raised TypeError.
"""

import pytest
import torch
from graphkit.distributed import ShardedGraph
from graphkit.distributed.runtime import communicator
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed

MODES = ["sar", "sa", "one-shot"]
OPERATIONS = ["propagate", "sum", "max", "gcn", "attend"]


class _Scaled(nn.Module):
    """A module whose message is ``w * x_j``, with the parameter ``w`` set to 3."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor(3.0))

    def message(self, x_j, x_i, edge_attr):
        return self.w * x_j


def _forward(graph, operation, module, x):
    """Return ``operation`` of the graph applied to ``x`` scaled by ``module.w``."""
    if operation == "propagate":
        return graph.propagate(module.message, x)
    if operation == "gcn":
        return graph.gcn_aggregate(x * module.w)
    if operation == "attend":
        return graph.attend((x * module.w).view(1, 1, 1), x, x).view(1, 1)
    return graph.aggregate(x * module.w, operation)


def _gradients(rank, world_size, passes):
    """Return, per mode and operation, the output and gradients after ``passes`` passes.

    Node 0 (rank 0) has x = 1 and node 1 (rank 1) has x = 2, with edges 0 -> 1 and
    1 -> 0. A second pass backpropagates half the loss of the first.
    """
    node_ranges = torch.tensor([0, 1, 2])
    no_edges = torch.empty(2, 0, dtype=torch.long)
    # Each rank's only edge comes from the other rank.
    if rank == 0:
        edges = [no_edges, torch.tensor([[1], [0]])]
    else:
        edges = [torch.tensor([[0], [0]]), no_edges]
    results = {}
    for mode in MODES:
        graph = ShardedGraph(communicator(), node_ranges, edges, mode=mode)
        for operation in OPERATIONS:
            module = _Scaled()
            x = torch.tensor([[1.0 + rank]], requires_grad=True)
            out = _forward(graph, operation, module, x)
            out.sum().backward(retain_graph=passes == 2)
            if passes == 2:
                (out * 0.5).sum().backward()
            graph.sync_gradients(module)
            results[mode, operation] = (out.detach(), x.grad, module.w.grad)
    return results


def test_second_backward_adds_gradients():
    twice = run_world(_gradients, 2, 2)
    for rank, results in enumerate(twice):
        for operation in ("propagate", "sum", "max"):
            for mode in MODES:
                out, x_grad, w_grad = results[mode, operation]
                case = f"rank {rank} {mode} {operation}"
                # out_0 = 3 * 2 and out_1 = 3 * 1. Each x_j reaches one output, so
                # d/dx = w = 3 and d/dw = x_0 + x_1 = 3 in the first pass, and the
                # second pass adds half of each.
                assert out.item() == 3.0 * (2 - rank), case
                assert x_grad.item() == 4.5, case
                assert w_grad.item() == 4.5, case
    # GCN and attention mix both nodes, so they are checked against one pass.
    once = run_world(_gradients, 2, 1)
    for rank, results in enumerate(twice):
        for key, (_, x_grad, w_grad) in results.items():
            _, once_x, once_w = once[rank][key]
            case = f"rank {rank} {key}"
            torch.testing.assert_close(x_grad, 1.5 * once_x, msg=case)
            torch.testing.assert_close(w_grad, 1.5 * once_w, msg=case)
