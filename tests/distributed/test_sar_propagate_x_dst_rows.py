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


def test_matching_x_dst_accepted():
    results = run_world(_propagate_with, 2, [2, 3])
    assert results == ["output [2, 3]", "output [2, 3]"]
    # LocalGraph rejects the same mistake.
    with pytest.raises(ValueError, match="x_dst must have one row per node"):
        LocalGraph(EDGES, 4).propagate(
            _Difference(), torch.ones(4, 3), x_dst=torch.ones(3, 3)
        )
