"""Functions run inside spawned ranks by the distributed tests."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.distributed.sharded import DEFAULT_MAX_MESSAGE_BYTES
from graphkit.graph import LocalGraph
from graphkit.nn import GNN, MessagePassingLayer

MODES = ("sar", "sa", "one-shot")
MODELS = (
    "gcn",
    "sage",
    "sage-max",
    "gat",
    "gin",
    "edgeconv",
    "gcn-batchnorm",
    "message-edge",
)
TOL = {"atol": 1e-5, "rtol": 1e-5}


def random_graph(seed: int = 0) -> Data:
    """A random directed graph with loops, duplicates, isolated nodes and an island.

    Nodes 0..59 form a random graph with 3 self-loops and a duplicated edge. Nodes
    60..69 form a separate ring (the island), and nodes 70..74 have no edges at all.
    """
    g = torch.Generator().manual_seed(seed)
    main = torch.randint(0, 60, (2, 260), generator=g)
    main[:, :3] = main[0, :3].repeat(2, 1)
    main = torch.cat([main, main[:, 10:11]], 1)
    ring = torch.arange(60, 70)
    island = torch.stack(
        [torch.cat([ring, ring.roll(1)]), torch.cat([ring.roll(1), ring])]
    )
    edge_index = torch.cat([main, island], 1)
    num_nodes = 75
    x = torch.randn(num_nodes, 6, generator=g)
    x[30:45] = x[0:15]  # equal rows, so max/min has ties across partitions
    edge_attr = torch.randn(edge_index.size(1), 3, generator=g)
    return Data(x=x, edge_index=edge_index, edge_attr=edge_attr, num_nodes=num_nodes)


def uneven_parts(num_nodes: int, world_size: int) -> torch.Tensor:
    """The island and the isolated nodes in the last partition; the rest split unevenly.

    The last partition then receives no edge from any other partition.
    """
    parts = torch.full((num_nodes,), world_size - 1, dtype=torch.long)
    if world_size > 1:
        # Partition p of the first world_size - 1 gets a share growing with p.
        weights = torch.arange(1, world_size, dtype=torch.float)
        bounds = (weights.cumsum(0) / weights.sum() * 60).round().long()
        start = 0
        for p, end in enumerate(bounds.tolist()):
            parts[start:end] = p
            start = end
        parts[torch.arange(0, 60, 7)] = world_size - 1  # a few main-graph nodes too
    return parts


def sparse_parts(num_nodes: int, world_size: int) -> torch.Tensor:
    """Assign nodes 0..69 to rank 0 and the edgeless nodes 70..74 to the last rank.

    With ``world_size >= 3`` the middle ranks contain no node, and the last rank has
    nodes but receives no edge at all.
    """
    parts = torch.zeros(num_nodes, dtype=torch.long)
    parts[70:] = world_size - 1
    return parts


class EdgeMessage(nn.Module):
    """A message that reads the source, destination and edge features."""

    def __init__(self, channels: int, edge_dim: int, out_channels: int) -> None:
        super().__init__()
        self.lin = nn.Linear(2 * channels + edge_dim, out_channels)

    def forward(self, x_j, x_i, edge_attr):
        return torch.tanh(self.lin(torch.cat([x_j, x_i, edge_attr], -1)))


class EdgeModel(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.first = MessagePassingLayer(EdgeMessage(channels, 3, 8), reduce="mean")
        self.second = MessagePassingLayer(EdgeMessage(8, 3, 4), reduce="max")

    def forward(self, x, graph):
        return self.second(self.first(x, graph), graph)


def make_model(name: str, in_channels: int) -> nn.Module:
    torch.manual_seed(1)
    if name == "message-edge":
        return EdgeModel(in_channels)
    if name == "gcn-batchnorm":
        return GNN("gcn", in_channels, 8, 4, num_layers=3, dropout=0.0, norm="batch")
    return GNN(name, in_channels, 8, 4, num_layers=2, dropout=0.0)


def reference(name: str, data: Data, weight: torch.Tensor):
    """Output, input gradient and parameter gradients of the single-process model."""
    model = make_model(name, data.num_features)
    graph = LocalGraph(data.edge_index, data.num_nodes, edge_attr=data.edge_attr)
    x = data.x.clone().requires_grad_(True)
    out = model(x, graph)
    (out * weight).sum().backward()
    return out.detach(), x.grad, {k: p.grad for k, p in model.named_parameters()}


def distributed(name: str, data: Data, weight: torch.Tensor, graph: ShardedGraph, ids):
    model = make_model(name, data.num_features)
    graph.sync_parameters(model)
    x = data.x[ids].clone().requires_grad_(True)
    out = model(x, graph)
    (out * weight[ids]).sum().backward()
    graph.sync_gradients(model)
    return out.detach(), x.grad, {k: p.grad for k, p in model.named_parameters()}


def compare(case: str, got, want, ids) -> list[str]:
    """Assert-close every tensor; return one message per mismatch."""
    failures = []
    pairs = [("output", got[0], want[0][ids]), ("input grad", got[1], want[1][ids])]
    pairs += [(f"grad {k}", got[2][k], want[2][k]) for k in want[2]]
    for quantity, a, b in pairs:
        try:
            assert a is not None, "missing gradient"
            assert_close(a, b, **TOL)
        except AssertionError as error:
            failures.append(f"{case}: {quantity}: {error}")
    return failures


def equivalence(
    rank: int,
    world_size: int,
    partitioners,
    models=MODELS,
    modes=MODES,
    fast=True,
    max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES,
):
    """Compare every model in every mode and partitioning with one process.

    ``fast=False`` runs the plain per-edge baseline (``one-shot`` mode only).
    ``max_message_bytes`` is passed to the ``ShardedGraph``.
    """
    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    wants = {name: reference(name, data, weight) for name in models}
    comm = communicator()
    failures = []
    for partitioner in partitioners:
        if partitioner == "uneven":
            parts = uneven_parts(data.num_nodes, world_size)
        elif partitioner == "sparse":
            parts = sparse_parts(data.num_nodes, world_size)
        else:
            parts = partition_nodes(
                data.edge_index, data.num_nodes, world_size, partitioner
            )
        _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
        ids = payload["global_ids"]
        for mode in modes:
            graph = ShardedGraph.from_partition(
                comm, payload, mode, fast, max_message_bytes=max_message_bytes
            )
            for name in models:
                got = distributed(name, data, weight, graph, ids)
                case = f"world {world_size} {partitioner} {mode} fast={fast} {name}"
                failures += compare(case, got, wants[name], ids)
    return failures


def train_until_killed(rank: int, world_size: int, victim: int, mode: str):
    """Train a GAT; ``victim`` kills itself in its third backward pass.

    The survivors return ``(error message, seconds from the kill to the error)``.
    """
    import os
    import signal
    import time

    from graphkit.distributed import PeerLostError

    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, mode)
    model = make_model("gat", data.num_features)
    x = data.x[payload["global_ids"]]
    started = None
    try:
        for step in range(1000):
            out = model(x, graph)
            if rank == victim and step == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            if step == 2:
                started = time.monotonic()
            out.sum().backward()
            graph.sync_gradients(model)
    except PeerLostError as error:
        return str(error), time.monotonic() - (started or time.monotonic())
    return "no error", 0.0


def build_from_folder(rank: int, world_size: int, folder: str):
    """Call ``build_partition`` on a partition folder; return the error text if any."""
    from graphkit.distributed.runtime import build_partition
    from graphkit.train.config import TrainConfig

    config = TrainConfig(partitions=folder)
    try:
        graph, data = build_partition(config, rank, world_size)
    except RuntimeError as error:
        return f"{type(error).__name__}: {error}"
    return graph.num_nodes, data.x.shape[0]


def train_config(**changes):
    """A small synthetic run without dropout, so every rank count gives the same losses."""
    from graphkit.train.config import TrainConfig

    options = dict(
        dataset="synthetic",
        dataset_options={"num_nodes": 400, "seed": 3},
        dropout=0.0,
        epochs=3,
        hidden=16,
        model="sage",
        lr=0.05,
    )
    options.update(changes)
    return TrainConfig(**options)


def train_steps(graph, data, config, steps: int = 3):
    """Losses of ``steps`` training steps and the final metrics, with the lead's trainer."""
    from graphkit.train.trainer import Trainer

    trainer = Trainer(config, data, graph)
    losses = [trainer.train_step() for _ in range(steps)]
    return losses, trainer.evaluate()


def train_partition(rank: int, world_size: int, changes: dict):
    """Run :func:`train_steps` on this rank's partition, built by ``build_partition``."""
    from graphkit.distributed.runtime import build_partition

    config = train_config(**changes)
    graph, data = build_partition(config, rank, world_size)
    return train_steps(graph, data, config)


def train_with_empty_partitions(rank: int, world_size: int, changes: dict):
    """Run :func:`train_partition` with the middle ranks given no node at all.

    Rank 0 takes the first half of the nodes and the last rank the second half.
    """
    from graphkit.distributed import partition_loading

    def halves(edge_index, num_nodes, num_parts, *args, **kwargs):
        parts = torch.zeros(num_nodes, dtype=torch.long)
        parts[num_nodes // 2 :] = num_parts - 1
        return parts

    partition_loading.partition_nodes = halves
    return train_partition(rank, world_size, changes)


def edgeless_graph(world_size: int) -> ShardedGraph:
    """Build a ShardedGraph of one node per rank and no edges, for collective tests."""
    edges = [torch.zeros(2, 0, dtype=torch.long) for _ in range(world_size)]
    return ShardedGraph(communicator(), torch.arange(world_size + 1), edges)


def fetched_and_sent(rank: int, world_size: int):
    """Per mode: peak bytes of fetched rows and bytes per label for one max aggregation."""
    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    result = {}
    for mode in MODES:
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        x = data.x[payload["global_ids"]].clone().requires_grad_(True)
        graph.comm_stats()  # drop the set-up traffic
        graph.aggregate(x, "max").sum().backward()
        stats = graph.comm_stats()
        halo = [n for p, n in enumerate(graph.halo.recv_counts) if p != rank]
        sends = [
            rows.numel() for p, rows in enumerate(graph.halo.send_rows) if p != rank
        ]
        result[mode] = {
            "fetched_peak": stats["fetched_peak_bytes"],
            "per_label": {k: list(v) for k, v in stats["per_label"].items()},
            "halo": halo,
            "sends": sends,
        }
    return result


def recorded(rank: int, world_size: int, fn, *args):
    """Run ``fn(rank, world_size, *args)`` and record each group of operations posted.

    Returns ``(result, groups)`` with groups in posting order, in the format of
    :mod:`stream_order`: point-to-point groups with their tags and sizes, and every
    all-reduce and broadcast as a one-operation group.
    """
    from graphkit.distributed.comm import Communicator

    groups = []
    start, all_reduce, broadcast = (
        Communicator.start,
        Communicator.all_reduce,
        Communicator.broadcast,
    )

    def recording_start(self, sends, recvs, label, tag=None):
        pending = start(self, sends, recvs, label, tag)
        used = self._tag if tag is None else tag
        group = [
            (kind, peer, used, t.numel() * t.element_size())
            for kind, table in (("send", sends), ("recv", recvs))
            for peer, tensors in table.items()
            for t in tensors
            if t.numel()
        ]
        if group:
            groups.append(group)
        return pending

    def recording_all_reduce(self, tensor, *args, **kwargs):
        if self.world_size > 1:
            groups.append([("collective", -1, 0, tensor.numel() * tensor.element_size())])
        return all_reduce(self, tensor, *args, **kwargs)

    def recording_broadcast(self, tensor, *args, **kwargs):
        if self.world_size > 1:
            groups.append([("collective", -1, 0, tensor.numel() * tensor.element_size())])
        return broadcast(self, tensor, *args, **kwargs)

    Communicator.start = recording_start
    Communicator.all_reduce = recording_all_reduce
    Communicator.broadcast = recording_broadcast
    return fn(rank, world_size, *args), groups
