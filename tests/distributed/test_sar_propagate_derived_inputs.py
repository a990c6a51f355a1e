"""ShardedGraph.propagate with a message that reads a tensor derived from a parameter.

A layer computes ``w = sigmoid(gate) * 2`` in its forward pass and passes a closure
over ``self`` and ``w`` to propagate. Both ``gate`` (a parameter of the captured
module) and ``w`` are inputs of the distributed propagate function. A gradient with
respect to ``gate`` that ran through ``w``'s own graph would free that graph. The
backward pass would then fail with "Trying to backward through the graph a second
time", at the second block or at ``w`` itself when autograd continues from the
function's inputs.
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

# Edges 1 -> 2, 1 -> 3 and 3 -> 0 cross the cut between {0, 1} and {2, 3}, and
# 2 -> 2 is a self-loop.
EDGES = torch.tensor([[0, 1, 2, 3, 1, 2], [1, 2, 3, 0, 3, 2]])
X = torch.tensor(
    [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.1, 0.2, -0.3]],
    dtype=torch.float64,
)
MODES = ["sar", "sa", "one-shot"]
REDUCES = ["sum", "max"]
KINDS = ["closure", "function", "direct"]


class _Scale(torch.autograd.Function):
    """``a * w`` as a custom function, whose arguments no TorchFunctionMode replaces."""

    @staticmethod
    def forward(ctx, a, w):
        ctx.save_for_backward(a, w)
        return a * w

    @staticmethod
    def backward(ctx, grad):
        a, w = ctx.saved_tensors
        return grad * w, (grad * a).sum(0)


class _Gated(nn.Module):
    """Messages that read ``w = sigmoid(gate) * 2``, computed in the forward pass."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.kind = kind
        self.gate = nn.Parameter(torch.tensor([0.3, -1.2], dtype=torch.float64))
        self.lin = nn.Linear(3, 2, dtype=torch.float64)

    def forward(self, x, graph, reduce):
        w = torch.sigmoid(self.gate) * 2.0
        if self.kind == "function":
            # Reads w through a custom function, and lin (independent) directly.
            return graph.propagate(
                lambda x_j, x_i, e: _Scale.apply(self.lin(x_j), w), x, reduce
            )
        if self.kind == "direct":
            # Reads gate itself as well as w, which is computed from it.
            return graph.propagate(
                lambda x_j, x_i, e: self.lin(x_j) * w + x_j[:, :2] * self.gate, x, reduce
            )
        return graph.propagate(lambda x_j, x_i, e: self.lin(x_j) * w, x, reduce)


def _loss_and_grads(model, graph, x, reduce):
    """Return the output and the gradients of x and the parameters of sum(out^2)."""
    x = x.clone().requires_grad_()
    out = model(x, graph, reduce)
    (out**2).sum().backward()
    graph.sync_gradients(model)
    grads = {name: p.grad.tolist() for name, p in model.named_parameters()}
    return out.tolist(), x.grad.tolist(), grads


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=4)
    parts = torch.tensor([0, 0, 1, 1]) if world_size == 2 else torch.zeros(4).long()
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in MODES:
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for reduce in REDUCES:
            for kind in KINDS:
                model = _Gated(kind)
                result = _loss_and_grads(model, graph, X[ids], reduce)
                results[mode, reduce, kind] = result
    return ids.tolist(), results


@pytest.mark.parametrize("world_size", [1, 2])
def test_derived_input_matches_local(world_size):
    local = LocalGraph(EDGES, 4)
    wants = {
        (r, k): _loss_and_grads(_Gated(k), local, X, r) for r in REDUCES for k in KINDS
    }
    for ids, results in run_world(_on_ranks, world_size):
        assert len(results) == len(MODES) * len(REDUCES) * len(KINDS)
        for (mode, reduce, kind), (out, x_grad, grads) in results.items():
            want_out, want_x_grad, want_grads = wants[reduce, kind]
            case = (mode, reduce, kind)
            torch.testing.assert_close(
                torch.tensor(out), torch.tensor(want_out)[ids], msg=str(case)
            )
            torch.testing.assert_close(
                torch.tensor(x_grad), torch.tensor(want_x_grad)[ids], msg=str(case)
            )
            assert grads.keys() == want_grads.keys()
            for name, grad in grads.items():
                torch.testing.assert_close(
                    torch.tensor(grad),
                    torch.tensor(want_grads[name]),
                    msg=str((*case, name)),
                )
