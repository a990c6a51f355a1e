"""ShardedGraph.propagate leaves ``grad`` at None for an x or x_dst the message ignores.

One process differentiates ``message(x[col], x_dst[row], e)`` directly, so a tensor
that the message never reads gets no gradient, and neither does anything upstream of
it. The distributed graph must match that. Zeros in place of None would give a
parameter that reaches the aggregation only through an ignored ``x`` a zero gradient,
and weight decay would still move it.
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
KINDS = ["neither", "destination", "source", "source-if-large"]


class _Model(nn.Module):
    """A linear layer before ``propagate``, then messages that ignore some arguments."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lin = nn.Linear(3, 3)
        self.lin_dst = nn.Linear(3, 3)
        self.scale = nn.Parameter(torch.tensor([0.5, -2.0, 1.5]))

    def source_if_large(self, x_j, x_i, edge_attr):
        # Reads x_j only when some source row has a first feature above 0.4. Only
        # node 3 does, and its one edge, 3 -> 0, ends on rank 0.
        out = x_i * self.scale
        mask = x_j[:, 0] > 0.4
        if bool(mask.any()):
            out = out + x_j * mask.unsqueeze(1)
        return out

    def forward(self, h, graph, kind: str):
        x, x_dst = self.lin(h), self.lin_dst(h)
        if kind == "neither":
            message = lambda x_j, x_i, e: self.scale.expand(len(x_j), 3)
        elif kind == "destination":
            message = lambda x_j, x_i, e: x_i * self.scale
        elif kind == "source":
            message = lambda x_j, x_i, e: x_j * self.scale
        elif kind == "source-if-large":
            message = self.source_if_large
        else:
            # The first propagate's backward pass exchanges rows, and the second
            # one ignores the first one's output.
            x = graph.propagate(lambda x_j, x_i, e: x_j, x)
            message = lambda x_j, x_i, e: x_i * self.scale
        return graph.propagate(message, x, x_dst=x_dst)


def _features() -> torch.Tensor:
    # The first features of lin's output decide source-if-large; see the assert below.
    return torch.arange(12, dtype=torch.float32).reshape(4, 3).sin()


def _grads(model: nn.Module, h: torch.Tensor) -> dict:
    grads = {name: p.grad for name, p in model.named_parameters()}
    grads["h"] = h.grad
    return {k: None if g is None else g.tolist() for k, g in grads.items()}


def _local(kind: str) -> dict:
    model = _Model()
    h = _features().requires_grad_()
    out = model(h, LocalGraph(EDGES, 4), kind)
    (out * torch.arange(1.0, out.numel() + 1).view_as(out)).sum().backward()
    return _grads(model, h)


def _sharded(rank: int, world_size: int, kind: str, mode: str) -> dict:
    model = _Model()
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode=mode)
    owned = PARTS == rank
    h = _features()[owned].requires_grad_()
    out = model(h, graph, kind)
    weights = torch.arange(1.0, out.size(1) * 4 + 1).view(4, -1)[owned]
    (out * weights).sum().backward()
    grads = _grads(model, h)
    graph.sync_gradients(model)
    synced = _grads(model, h)
    # h is not a parameter, so its rows stay per rank.
    synced["h"] = grads["h"]
    return synced


def test_source_if_large_reads_one_source():
    x = _Model().lin(_features())
    assert (x[:, 0] > 0.4).tolist() == [False, False, False, True]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_unread_inputs_match_local_graph(kind, mode):
    expected = _local(kind)
    results = run_world(_sharded, 2, kind, mode)
    for rank, got in enumerate(results):
        owned = PARTS == rank
        for name, want in expected.items():
            case = f"{kind}/{mode} rank {rank}: {name}"
            if want is None:
                assert got[name] is None, f"{case} got a gradient {got[name]}"
                continue
            assert got[name] is not None, f"{case} got no gradient"
            want = torch.tensor(want)
            if name == "h":
                want = want[owned]
            torch.testing.assert_close(torch.tensor(got[name]), want, msg=case)


@pytest.mark.parametrize("mode", MODES)
def test_collective_layer_before_unread_input(mode):
    # torch calls a custom autograd Function's backward with zeros where its output
    # got no gradient, so the first propagate returns zeros to lin on every rank,
    # where one process leaves None. Every other gradient matches one process, and
    # no rank waits for an exchange that the others skip.
    expected = _local("two-layers")
    assert expected["lin.weight"] is None
    assert expected["lin.bias"] is None
    results = run_world(_sharded, 2, "two-layers", mode)
    for rank, got in enumerate(results):
        owned = PARTS == rank
        for name, want in expected.items():
            case = f"two-layers/{mode} rank {rank}: {name}"
            if want is None:
                # None, as in one process, or the zeros described above.
                if got[name] is not None:
                    assert not torch.tensor(got[name]).any(), f"{case}: {got[name]}"
                continue
            want = torch.tensor(want)
            if name == "h":
                want = want[owned]
            torch.testing.assert_close(torch.tensor(got[name]), want, msg=case)
