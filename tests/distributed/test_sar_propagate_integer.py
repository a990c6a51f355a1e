"""ShardedGraph.propagate with integer features matches LocalGraph in every mode."""

import pytest
import torch
from harness import run_world
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

# Node 4 receives no edge. Node 0 receives from 1 (rank 0) and 2, 3 (rank 1).
EDGES = torch.tensor([[1, 2, 3, 0, 0, 2], [0, 0, 0, 1, 2, 3]])
LABELS = torch.tensor([[5, -2], [7, 9], [-4, 3], [6, 6], [1, 1]])
PARTS = torch.tensor([0, 0, 1, 1, 0])
REDUCES = ("sum", "mean", "max", "min")


class _Source(torch.nn.Module):
    def forward(self, x_j, x_i, edge_attr):
        return x_j


class _Embed(torch.nn.Module):
    """A message that looks up the source's integer id in a learned table."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.table = torch.nn.Embedding(5, 3)

    def forward(self, x_j, x_i, edge_attr):
        return self.table(x_j[:, 0])


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=5)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    results = {}
    for mode in ("sar", "sa", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for reduce in REDUCES:
            out = graph.propagate(_Source(), LABELS[ids], reduce)
            results[mode, reduce] = (str(out.dtype), out.tolist())
        embed = _Embed()
        out = graph.propagate(embed, ids.view(-1, 1), "max")
        (out * torch.arange(1.0, 4.0)).sum().backward()
        graph.sync_gradients(embed)
        results[mode, "embed"] = (out.tolist(), embed.table.weight.grad.tolist())
    return ids.tolist(), results


def test_integer_propagate_matches_local():
    local = LocalGraph(EDGES, 5)
    wants = {r: local.propagate(_Source(), LABELS, r) for r in REDUCES}
    # The hand values of one process: node 4 has no edge and gets 0.
    assert wants["max"].tolist()[0] == [7, 9]
    assert wants["min"].tolist()[4] == [0, 0]
    embed = _Embed()
    want_embed = local.propagate(embed, torch.arange(5).view(-1, 1), "max")
    (want_embed * torch.arange(1.0, 4.0)).sum().backward()
    for ids, results in run_world(_on_ranks, 2):
        for (mode, reduce), result in results.items():
            if reduce == "embed":
                out, grad = result
                assert_close(torch.tensor(out), want_embed.detach()[ids], msg=mode)
                assert_close(torch.tensor(grad), embed.table.weight.grad, msg=mode)
                continue
            dtype, out = result
            assert dtype == str(wants[reduce].dtype), (mode, reduce)
            assert out == wants[reduce][ids].tolist(), (mode, reduce)
