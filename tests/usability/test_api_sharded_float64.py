"""ShardedGraph computes float64 GCN and mean weights and rejects malformed inputs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world

NUM_NODES = 30


def _errors_against_local(rank: int, world_size: int) -> dict:
    """Compare ShardedGraph with LocalGraph on one rank and return the results by key.

    For each aggregation and mode the results contain the max absolute difference and
    the output dtypes. They also contain the errors for integer features and a short
    score_dst.
    """
    import torch
    from graphkit.distributed import Communicator, ShardedGraph, partition_payloads
    from torch_geometric.data import Data

    from graphkit.graph import LocalGraph

    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, NUM_NODES, (2, 150), generator=generator)
    x = torch.randn(NUM_NODES, 6, dtype=torch.float64, generator=generator)
    parts = torch.arange(NUM_NODES) % world_size
    data = Data(x=x, edge_index=edge_index)
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    own_x, rows = payload["x"], payload["global_ids"]
    local = LocalGraph(edge_index, NUM_NODES)
    results = {}
    for fast, mode in ((True, "sar"), (False, "one-shot")):
        graph = ShardedGraph.from_partition(
            Communicator(), payload, mode=mode, fast=fast
        )
        gcn = graph.gcn_aggregate(own_x)
        mean = graph.aggregate(own_x, "mean")
        expected_gcn = local.gcn_aggregate(x)[rows]
        expected_mean = local.aggregate(x, "mean")[rows]
        results[f"gcn {mode}"] = float((gcn - expected_gcn).abs().max())
        results[f"mean {mode}"] = float((mean - expected_mean).abs().max())
        results[f"dtypes {mode}"] = (str(gcn.dtype), str(mean.dtype))
    try:
        graph.aggregate(own_x.long())
        results["integer"] = "no error"
    except TypeError as error:
        results["integer"] = str(error)
    value = own_x.view(-1, 2, 3)
    score = own_x[:, :2]
    try:
        graph.attend(value, score, score[:-1])
        results["score_dst"] = "no error"
    except ValueError as error:
        results["score_dst"] = str(error)
    return results


@pytest.mark.distributed
def test_sharded_float64_weights():
    for results in run_world(_errors_against_local, 2):
        for mode in ("sar", "one-shot"):
            assert results[f"gcn {mode}"] < 1e-12, results
            assert results[f"mean {mode}"] < 1e-12, results
            assert results[f"dtypes {mode}"] == ("torch.float64", "torch.float64")
        assert "must be a floating-point tensor, got torch.int64" in results["integer"]
        assert "score_dst must have shape [15, 2], got [14, 2]" in results["score_dst"]
