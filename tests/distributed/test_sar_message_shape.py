"""ShardedGraph.propagate names the returned and the expected message shape.

Every mode raises the same error as LocalGraph.propagate.
"""

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator

pytestmark = pytest.mark.distributed

# Each rank receives edges from both ranks, so every rank aggregates two blocks.
EDGES = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 0, 0]])
PARTS = torch.tensor([0, 0, 1, 1])


def _on_ranks(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=4)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    x = torch.randn(payload["global_ids"].numel(), 2)
    errors = {}
    for mode in ("sar", "sa", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        try:
            graph.propagate(lambda x_j, x_i, e: x_j.sum(), x, "sum")
        except ValueError as error:
            errors[mode] = str(error)
    return errors


def test_bad_message_named():
    for rank, errors in enumerate(run_world(_on_ranks, 2)):
        assert sorted(errors) == ["one-shot", "sa", "sar"], rank
        for mode, error in errors.items():
            assert error.startswith(
                "the message function returned a tensor of shape [], but "
                "propagate needs one message per edge: a tensor of shape ["
            ), (rank, mode, error)
