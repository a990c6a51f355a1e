"""ShardedGraph.propagate under autocast gives the gradients of one process.

In ``sar`` mode the messages are computed again in the backward pass, which usually
runs after the autocast region has closed. Recomputed in float32, a max or min
message no longer equalled the bfloat16 maximum of the forward pass, so no edge
received a gradient and every parameter of the message got zeros.
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

# Edges 1 -> 2, 3 -> 0 and 1 -> 3 cross the cut between {0, 1} and {2, 3}, and
# 2 -> 2 is a self-loop.
EDGES = torch.tensor([[0, 1, 2, 3, 1, 2], [1, 2, 3, 0, 3, 2]])
PARTS = torch.tensor([0, 0, 1, 1])


class _Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lin = nn.Linear(3, 2)

    def message(self, x_j, x_i, edge_attr):
        return self.lin(x_j - x_i)

    def forward(self, x, graph, reduce: str):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = graph.propagate(self.message, x, reduce)
        return out.float()


def _features() -> torch.Tensor:
    return torch.arange(12, dtype=torch.float32).reshape(4, 3).sin()


def _local(reduce: str) -> dict:
    model = _Model()
    x = _features().requires_grad_()
    out = model(x, LocalGraph(EDGES, 4), reduce)
    (out * torch.arange(1.0, out.numel() + 1).view_as(out)).sum().backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters()}
    return {"grads": grads, "x": x.grad, "out": out.detach()}


def _sharded(rank: int, world_size: int, reduce: str, mode: str) -> dict:
    model = _Model()
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode=mode)
    owned = PARTS == rank
    x = _features()[owned].requires_grad_()
    out = model(x, graph, reduce)
    weights = torch.arange(1.0, 4 * out.size(1) + 1).view(4, -1)[owned]
    (out * weights).sum().backward()
    graph.sync_gradients(model)
    return {
        "grads": {name: p.grad.tolist() for name, p in model.named_parameters()},
        "x": x.grad.tolist(),
        "out": out.detach().tolist(),
    }


@pytest.mark.parametrize("mode", ["sar", "sa", "one-shot"])
@pytest.mark.parametrize("reduce", ["max", "min", "sum"])
def test_autocast_gradients_match_local(reduce, mode):
    expected = _local(reduce)
    results = run_world(_sharded, 2, reduce, mode)
    # bfloat16 has 8 significant bits (7 stored), and the ranks add the terms in
    # another order.
    close = {"rtol": 2e-2, "atol": 2e-2}
    for rank, result in enumerate(results):
        owned = PARTS == rank
        got_out = torch.tensor(result["out"])
        torch.testing.assert_close(got_out, expected["out"][owned], **close)
        got_x = torch.tensor(result["x"])
        torch.testing.assert_close(got_x, expected["x"][owned], **close)
        for name, grad in expected["grads"].items():
            got = torch.tensor(result["grads"][name])
            torch.testing.assert_close(
                got, grad, msg=f"{reduce}/{mode}: {name}", **close
            )
