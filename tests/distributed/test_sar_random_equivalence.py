"""ShardedGraph matches LocalGraph on small random graphs, partitions, models and modes.

Each case draws a graph of 1 to 16 nodes with self-loops, duplicate edges and nodes
without in-edges, or with no edges at all. Its partition may leave a rank without
nodes or put every edge inside one rank. The case also draws a model, a dtype and an
exchange setting (mode, look-ahead and message size). Outputs, input gradients and
parameter gradients must equal those of one process.
"""

import pytest
import torch
from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from harness import run_world
from torch import nn
from torch_geometric.data import Data
from workers import EdgeMessage, compare

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, GATConv, GINConv, MessagePassingLayer, SAGEConv

pytestmark = pytest.mark.distributed

NUM_CASES = 30
# (mode, look_ahead, max_message_bytes). A limit of 1 byte sends one row per message.
EXCHANGES = [
    ("sar", True, 1 << 23),
    ("sar", False, 1),
    ("sa", True, 1),
    ("sa", False, None),
    ("one-shot", True, None),
    ("one-shot", False, 1 << 23),
]
MODELS = [
    "gcn-batchnorm",
    "sage",
    "sage-max",
    "gat",
    "gat-mean",
    "gin-eps",
    "edgeconv",
    "message-mean",
    "message-max",
    "sage-max-ties",
]


class _Messages(nn.Module):
    """Two layers whose message reads source, destination and edge features."""

    def __init__(self, channels: int, reduce: str) -> None:
        super().__init__()
        self.first = MessagePassingLayer(EdgeMessage(channels, 2, 4), reduce)
        self.second = MessagePassingLayer(EdgeMessage(4, 2, 3), reduce)

    def forward(self, x, graph):
        return self.second(torch.relu(self.first(x, graph)), graph)


class _Stack(nn.Module):
    def __init__(self, *layers: nn.Module) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, x, graph):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x, graph))
        return self.layers[-1](x, graph)


def _mlp(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Sequential(nn.Linear(in_channels, out_channels), nn.Tanh())


def _model(name: str, channels: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    if name == "gcn-batchnorm":
        return GNN("gcn", channels, 6, 3, 3, dropout=0.0, norm="batch", residual=True)
    if name == "gat-mean":
        return _Stack(GATConv(channels, 2, heads=3), GATConv(6, 3, heads=3, concat=False))
    if name == "gin-eps":
        return _Stack(
            GINConv(_mlp(channels, 4), eps=0.5, train_eps=True),
            GINConv(_mlp(4, 3), eps=-0.25, train_eps=True),
        )
    if name == "sage-max-ties":
        return SAGEConv(channels, 3, "max")
    if name.startswith("message-"):
        return _Messages(channels, name.split("-")[1])
    return GNN(name, channels, 6, 3, num_layers=2, dropout=0.0, heads=2)


def _case(seed: int, world_size: int):
    """Return ``(data, parts, model name, dtype, exchange)`` of case ``seed``.

    ``data.y`` contains the weights of the outputs in the loss.
    """
    generator = torch.Generator().manual_seed(seed)

    def draw(high: int) -> int:
        return int(torch.randint(0, high, (), generator=generator))

    n = 1 + draw(16)
    m = draw(3 * n)
    if seed // len(MODELS) == 1:  # each model once on a graph without edges
        m = 0
    edge_index = torch.randint(0, n, (2, m), generator=generator)
    if m:
        edge_index[1, : m // 3] = 0  # a hub, so other nodes often have no in-edges
        edge_index = torch.cat([edge_index, edge_index[:, :2]], 1)  # duplicates
    loops = torch.randint(0, n, (draw(3),), generator=generator)
    edge_index = torch.cat([edge_index, loops.repeat(2, 1)], 1)
    style = draw(3) if world_size > 1 else 0
    if style == 0:  # every node on one rank
        parts = torch.full((n,), draw(world_size))
    elif style == 1:  # rank 0 gets no node
        parts = 1 + torch.randint(0, world_size - 1, (n,), generator=generator)
    else:
        parts = torch.randint(0, world_size, (n,), generator=generator)
    dtype = torch.float64 if draw(3) == 0 else torch.float32
    name = MODELS[seed % len(MODELS)]
    # The bias before a batch norm has a zero gradient, which float32 leaves as
    # rounding noise of about 1e-5.
    if name == "gcn-batchnorm":
        dtype = torch.float64
    channels = 1 + draw(3)
    x = torch.randn(n, channels, generator=generator, dtype=dtype)
    if name == "sage-max-ties":
        # Equal maxima on several ranks. A max of computed features (a second layer)
        # could tie in one process only, because a linear layer's result can change
        # in the last bit with the number of rows it is computed for.
        x = torch.randint(1, 3, (n, channels), generator=generator).to(dtype)
    data = Data(
        x=x,
        edge_index=edge_index,
        edge_attr=torch.randn(edge_index.size(1), 2, generator=generator, dtype=dtype),
        y=torch.randn(n, 3, generator=generator, dtype=dtype),
        num_nodes=n,
    )
    exchange = EXCHANGES[draw(len(EXCHANGES))]
    return data, parts, name, dtype, exchange


def _gradients(model, x, graph, weight):
    x = x.clone().requires_grad_(True)
    out = model(x, graph)
    (out * weight).sum().backward()
    graph.sync_gradients(model)
    return out.detach(), x.grad, {k: p.grad for k, p in model.named_parameters()}


def _random_cases(rank: int, world_size: int, num_cases: int) -> list[str]:
    """Compare every case with one process and return one line per mismatch."""
    failures = []
    comm = communicator()
    for seed in range(num_cases):
        data, parts, name, dtype, (mode, look_ahead, max_bytes) = _case(seed, world_size)
        channels = data.num_features
        weight = data.y
        local = LocalGraph(data.edge_index, data.num_nodes, edge_attr=data.edge_attr)
        want = _gradients(_model(name, channels, seed).to(dtype), data.x, local, weight)
        _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
        graph = ShardedGraph.from_partition(
            comm, payload, mode, look_ahead=look_ahead, max_message_bytes=max_bytes
        )
        ids = payload["global_ids"]
        model = _model(name, channels, seed).to(dtype)
        got = _gradients(model, data.x[ids], graph, weight[ids])
        case = (
            f"case {seed}: {name} {dtype} {mode} look_ahead={look_ahead} "
            f"max_message_bytes={max_bytes} parts={parts.tolist()} "
            f"edges={data.edge_index.tolist()}"
        )
        failures += compare(case, got, want, ids)
    return failures


@pytest.mark.parametrize("world_size", [1, 3])
def test_random_graphs_match_one_process(world_size):
    results = run_world(_random_cases, world_size, NUM_CASES)
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:10])
