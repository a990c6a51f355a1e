"""ShardedGraph.propagate checks x_dst like x, as LocalGraph does."""

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph

pytestmark = pytest.mark.distributed

EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
PARTS = torch.tensor([0, 0, 1, 1])


class _Difference(torch.nn.Module):
    def forward(self, x_j, x_i, edge_attr):
        return x_j - x_i


def _propagate_with(rank: int, world_size: int, shape: list[int]) -> str:
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    x = torch.ones(2, 3)
    try:
        out = graph.propagate(_Difference(), x, x_dst=torch.zeros(shape))
    except ValueError as error:
        return f"ValueError: {error}"
    return f"output {list(out.shape)}"


@pytest.mark.parametrize("shape", [[3, 3], [1, 3], []])
def test_wrong_x_dst_rows_rejected(shape):
    rows = shape[0] if shape else 0
    for rank, result in enumerate(run_world(_propagate_with, 2, shape)):
        assert result.startswith(f"ValueError: rank {rank} owns 2 nodes but x_dst"), (
            result
        )
        assert f"has {rows} rows (shape {shape})" in result


def _propagate_values(rank: int, world_size: int) -> list[list[float]]:
    """Propagate ``x_j - x_i`` with node k's x equal to k and its x_dst equal to 10 k."""
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    x = payload["global_ids"].float().view(-1, 1).expand(-1, 3)
    return graph.propagate(_Difference(), x, x_dst=10 * x).tolist()


def test_matching_x_dst_accepted():
    results = run_world(_propagate_with, 2, [2, 3])
    assert results == ["output [2, 3]", "output [2, 3]"]
    # Each node k has one in-edge, from node k - 1 mod 4, so its output is
    # (k - 1 mod 4) - 10 k: 3, -10, -19 and -28. A propagate that read x in place of
    # x_dst would give 3, -1, -1 and -1.
    want = [[3.0] * 3, [-10.0] * 3, [-19.0] * 3, [-28.0] * 3]
    x = torch.arange(4.0).view(-1, 1).expand(-1, 3)
    local = LocalGraph(EDGES, 4).propagate(_Difference(), x, x_dst=10 * x)
    assert local.tolist() == want
    assert run_world(_propagate_values, 2) == [want[:2], want[2:]]
    # LocalGraph rejects the same mistake.
    with pytest.raises(ValueError, match="x_dst must have one row per node"):
        LocalGraph(EDGES, 4).propagate(
            _Difference(), torch.ones(4, 3), x_dst=torch.ones(3, 3)
        )
