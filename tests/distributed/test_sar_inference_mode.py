"""A ShardedGraph first used, or built, under torch.inference_mode() still trains.

The graph caches its blocks with self-loops and its mean and GCN edge values. On the
plain paths (fast=False, float16 features on the CPU), it also caches one merged block
of all in-edges. Built inside inference mode, these caches would be inference tensors,
and the backward pass of the next training step would fail with "Inference tensors
cannot be saved for backward". The same applies to the blocks, degrees and halo rows
of a graph built inside inference mode.
"""

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

# Node 0 receives from 1 (rank 0) and 2, 3 (rank 1), and node 3 has a self-loop.
EDGES = torch.tensor([[1, 2, 3, 0, 0, 2, 3], [0, 0, 0, 1, 2, 3, 3]])
PARTS = torch.tensor([0, 0, 1, 1])
X = torch.tensor([[0.1, 0.2], [0.3, 0.5], [0.7, 1.1], [1.3, 1.7]])

OPERATIONS = {
    "sum": lambda graph, x: graph.aggregate(x, "sum"),
    "mean": lambda graph, x: graph.aggregate(x, "mean"),
    "max": lambda graph, x: graph.aggregate(x, "max"),
    "gcn": lambda graph, x: graph.gcn_aggregate(x),
    "attend": lambda graph, x: graph.attend(x.view(-1, 1, 2), x[:, :1], x[:, 1:]),
}
# (mode, fast, dtype): the fast=False baseline and float16 take the plain paths.
SETTINGS = [
    ("sar", True, torch.float32),
    ("one-shot", False, torch.float32),
    ("sar", True, torch.float16),
]


def _input_gradient(graph, operation, x):
    x = x.clone().requires_grad_()
    operation(graph, x).float().sum().backward()
    return x.grad


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode, fast, dtype in SETTINGS:
        for name, operation in OPERATIONS.items():
            graph = ShardedGraph.from_partition(communicator(), payload, mode, fast)
            x = X[ids].to(dtype)
            with torch.inference_mode():
                operation(graph, x)
            grad = _input_gradient(graph, operation, x)
            results[mode, fast, str(dtype), name] = grad.float().tolist()
    return ids.tolist(), results


def test_training_after_inference_mode():
    local = LocalGraph(EDGES, 4)
    for ids, results in run_world(_on_ranks, 2):
        assert len(results) == len(SETTINGS) * len(OPERATIONS)
        for (mode, fast, dtype, name), grad in results.items():
            x = X.to(getattr(torch, dtype.removeprefix("torch.")))
            want = _input_gradient(local, OPERATIONS[name], x).float()[ids]
            # float16 products round to about 3 significant digits.
            rtol = 1e-2 if dtype == "torch.float16" else 1e-5
            assert torch.allclose(torch.tensor(grad), want, rtol=rtol), (
                mode, fast, dtype, name
            )


# Edge features for the propagate check: edge k carries the weight k + 1.
EDGE_ATTR = torch.arange(1.0, EDGES.size(1) + 1).view(-1, 1)
BUILT_OPERATIONS = {
    **OPERATIONS,
    "propagate": lambda graph, x: graph.propagate(
        lambda x_j, x_i, edge_attr: x_j * edge_attr, x
    ),
}
# The three SAR modes, plus the fast=False baseline of one-shot.
BUILT_SETTINGS = [("sar", True), ("sa", True), ("one-shot", True), ("one-shot", False)]


def _built_on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, edge_attr=EDGE_ATTR, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode, fast in BUILT_SETTINGS:
        for name, operation in BUILT_OPERATIONS.items():
            with torch.inference_mode():
                graph = ShardedGraph.from_partition(communicator(), payload, mode, fast)
            results[mode, fast, name] = _input_gradient(graph, operation, X[ids]).tolist()
    return ids.tolist(), results


def test_built_in_inference_mode_trains():
    # The graph's own blocks, degrees and halo rows, not only its caches, must be
    # ordinary tensors, because propagate saves the in-degrees and the edge features.
    local = LocalGraph(EDGES, 4, edge_attr=EDGE_ATTR)
    for ids, results in run_world(_built_on_ranks, 2):
        assert len(results) == len(BUILT_SETTINGS) * len(BUILT_OPERATIONS)
        for (mode, fast, name), grad in results.items():
            want = _input_gradient(local, BUILT_OPERATIONS[name], X)[ids]
            assert torch.allclose(torch.tensor(grad), want, rtol=1e-5), (mode, fast, name)
