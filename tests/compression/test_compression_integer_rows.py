"""Integer halo rows travel uncompressed, so compressed runs propagate them exactly."""

import sys
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world

pytestmark = pytest.mark.distributed

# Node 0 (rank 0) receives from node 2 and 3 (rank 1), node 3 (rank 1) from node 0.
EDGES = torch.tensor([[1, 2, 3, 0, 0, 2], [0, 0, 0, 1, 3, 3]])
LABELS = torch.tensor([[5, -2], [7, 9], [-4, 3], [6, 6], [1, 1]])
PARTS = torch.tensor([0, 0, 1, 1, 0])
CODECS = ("random-projection", "quantize", "subsample")


class _Source(torch.nn.Module):
    def forward(self, x_j, x_i, edge_attr):
        return x_j


def _integer_rows(rank: int, world_size: int):
    from graphkit.distributed import ShardedGraph, partition_payloads
    from graphkit.distributed.compression import (
        Compression,
        FixedSchedule,
        QuantizeCodec,
        RandomProjectionCodec,
        SubsampleCodec,
    )
    from graphkit.distributed.runtime import communicator

    codecs = {
        "random-projection": lambda: RandomProjectionCodec(min_width=1),
        "quantize": lambda: QuantizeCodec(min_width=1),
        "subsample": SubsampleCodec,
    }
    data = Data(edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in ("sar", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for name in CODECS:
            graph.compression = Compression(
                codecs[name](), FixedSchedule(4.0), graph.comm
            )
            for reduce in ("sum", "max"):
                out = graph.propagate(_Source(), LABELS[ids], reduce)
                results[mode, name, reduce] = (str(out.dtype), out.tolist())
    return ids.tolist(), results


def test_integer_rows_exact_under_compression():
    # Sums and maxima of one process, by hand.
    sums = [[9, 18], [5, -2], [0, 0], [1, 1], [0, 0]]
    maxima = [[7, 9], [5, -2], [0, 0], [5, 3], [0, 0]]
    for ids, results in run_world(_integer_rows, 2):
        for (mode, name, reduce), (dtype, out) in results.items():
            want = sums if reduce == "sum" else maxima
            assert dtype == "torch.int64", (mode, name, reduce)
            assert out == [want[i] for i in ids], (mode, name, reduce)
