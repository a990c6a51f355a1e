"""Distributed attention without self-loops equals one process, edgeless nodes too."""

import pytest
import torch
from harness import run_world
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

PARTS = torch.tensor([0, 0, 1, 1, 0])
# Node 0 receives from nodes 1 (rank 0) and 2 (rank 1), node 1 from node 3 (rank 1),
# node 2 from node 0, node 3 from nodes 1 and 2. Node 4 (rank 0) receives no edge, so
# its softmax has no terms and its output must be 0, not 0 / 0.
EDGES = torch.tensor([[1, 2, 3, 0, 1, 2], [0, 0, 1, 2, 3, 3]])
HEADS, CHANNELS = 2, 3


def _inputs():
    g = torch.Generator().manual_seed(4)
    value = torch.randn(5, HEADS, CHANNELS, generator=g)
    score_src = torch.randn(5, HEADS, generator=g)
    score_dst = torch.randn(5, HEADS, generator=g)
    weight = torch.randn(5, HEADS, CHANNELS, generator=g)
    return value, score_src, score_dst, weight


def _attend(graph, value, score_src, score_dst, weight):
    """Return the output and the input gradients for the loss ``sum(out * weight)``."""
    leaves = [t.clone().requires_grad_(True) for t in (value, score_src, score_dst)]
    out = graph.attend(*leaves, self_loops=False)
    (out * weight).sum().backward()
    return [out.detach().tolist()] + [leaf.grad.tolist() for leaf in leaves]


def _attend_on_ranks(rank: int, world_size: int):
    value, score_src, score_dst, weight = _inputs()
    data = Data(edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in ("sar", "sa", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        results[mode] = _attend(
            graph, value[ids], score_src[ids], score_dst[ids], weight[ids]
        )
    # The results are plain lists because tensors sent through the result queue
    # share memory with a process that exits.
    return ids.tolist(), results


def test_attention_without_loops_matches_one_process():
    want = [torch.tensor(t) for t in _attend(LocalGraph(EDGES, 5), *_inputs())]
    # One process gives node 4 zeros and its value rows no gradient.
    assert want[0][4].abs().sum() == 0
    assert want[1][4].abs().sum() == 0
    names = ("output", "value grad", "score_src grad", "score_dst grad")
    for ids, results in run_world(_attend_on_ranks, 2):
        for mode, got in results.items():
            for name, got_t, want_t in zip(names, got, want):
                case = f"{mode} {name}"
                assert_close(
                    torch.tensor(got_t),
                    want_t[ids],
                    msg=lambda detail, case=case: f"{case}: {detail}",
                )
