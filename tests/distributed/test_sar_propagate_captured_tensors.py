"""ShardedGraph.propagate returns gradients to every tensor the message reads.

A message may be a lambda or closure that reads a module's parameters, or a tensor
computed earlier in the forward pass. LocalGraph differentiates such a message like
any other code. The distributed graph computes messages inside its own autograd
function, and it used to return gradients only to the parameters of a module or of a
bound method's owner: the parameters read by a lambda got no gradient at all. It also
gave every parameter of a bound method's owner a zero gradient, even one the message
does not read, where one process leaves ``grad`` at None.
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

# Edges 1 -> 2, 2 -> 3 and 3 -> 0 cross the cut between {0, 1} and {2, 3}.
EDGES = torch.tensor([[0, 1, 2, 3, 1, 2], [1, 2, 3, 0, 3, 2]])
PARTS = torch.tensor([0, 0, 1, 1])
MODES = ["sar", "sa", "one-shot"]


class _Model(nn.Module):
    """Ways of reading trainable tensors from a message function."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lin = nn.Linear(3, 2)
        self.scale = nn.Parameter(torch.tensor([0.5, -2.0, 1.5]))
        self.unused = nn.Parameter(torch.ones(2))
        self.extra = nn.Linear(3, 2)

    def bound_message(self, x_j, x_i, edge_attr):
        return self.lin(x_j - x_i)

    def cached_message(self, x_j, x_i, edge_attr):
        # ``self.cached`` is neither a parameter nor a closure cell, so only the
        # recorded reads of the probe call find it.
        return x_j * self.cached

    def masked_message(self, x_j, x_i, edge_attr):
        # Each edge's message depends on its own rows only, but ``extra`` runs only
        # when some source has a first feature above 0.3. Only node 3 does, and its
        # one edge, 3 -> 0, crosses the cut, so no rank's own edges start there.
        out = self.lin(x_j)
        mask = x_j[:, 0] > 0.3
        if bool(mask.any()):
            out = out.index_add(0, mask.nonzero().flatten(), self.extra(x_j[mask]))
        return out

    def forward(self, x, graph, kind: str, reduce: str):
        if kind == "lambda":
            return graph.propagate(lambda x_j, x_i, e: self.lin(x_j), x, reduce)
        if kind == "computed":
            # A non-leaf tensor of the forward pass, read by the closure.
            weight = torch.tanh(self.scale) * 3.0
            return graph.propagate(lambda x_j, x_i, e: x_j * weight, x, reduce)
        if kind == "attribute":
            # A non-leaf tensor of the forward pass, stored on the module.
            self.cached = torch.tanh(self.scale) * 3.0
            return graph.propagate(self.cached_message, x, reduce)
        if kind == "masked":
            return graph.propagate(self.masked_message, x, reduce)
        if kind == "masked-lambda":
            return graph.propagate(
                lambda x_j, x_i, e: self.masked_message(x_j, x_i, e), x, reduce
            )
        return graph.propagate(self.bound_message, x, reduce)


def _features() -> torch.Tensor:
    # The first features are 0, 0.14, -0.28 and 0.41.
    return torch.arange(12, dtype=torch.float32).reshape(4, 3).sin()


def _grads(model: nn.Module) -> dict:
    return {
        name: None if p.grad is None else p.grad.clone()
        for name, p in model.named_parameters()
    }


def _local(kind: str, reduce: str) -> dict:
    model = _Model()
    x = _features().requires_grad_()
    out = model(x, LocalGraph(EDGES, 4), kind, reduce)
    (out * torch.arange(1.0, out.numel() + 1).view_as(out)).sum().backward()
    return {"grads": _grads(model), "x": x.grad, "out": out.detach()}


def _sharded(rank: int, world_size: int, kind: str, reduce: str, mode: str):
    model = _Model()
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode=mode)
    owned = PARTS == rank
    x = _features()[owned].requires_grad_()
    out = model(x, graph, kind, reduce)
    weights = torch.arange(1.0, 4 * out.size(1) + 1).view(4, -1)[owned]
    (out * weights).sum().backward()
    graph.sync_gradients(model)
    # Plain lists travel back to the parent process, which shared tensors may not.
    return {
        "grads": {
            k: None if g is None else g.tolist() for k, g in _grads(model).items()
        },
        "x": x.grad.tolist(),
        "out": out.detach().tolist(),
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "kind", ["lambda", "computed", "attribute", "bound", "masked", "masked-lambda"]
)
@pytest.mark.parametrize("reduce", ["sum", "max"])
def test_gradients_match_local_graph(kind, reduce, mode):
    expected = _local(kind, reduce)
    results = run_world(_sharded, 2, kind, reduce, mode)
    for rank, result in enumerate(results):
        owned = PARTS == rank
        torch.testing.assert_close(torch.tensor(result["out"]), expected["out"][owned])
        torch.testing.assert_close(torch.tensor(result["x"]), expected["x"][owned])
        for name, grad in expected["grads"].items():
            got = result["grads"][name]
            if grad is None:
                assert got is None, f"{kind}/{mode}: {name} got a gradient {got}"
            else:
                assert got is not None, f"{kind}/{mode}: {name} got no gradient"
                torch.testing.assert_close(
                    torch.tensor(got), grad, msg=f"{kind}/{mode}: {name}"
                )
