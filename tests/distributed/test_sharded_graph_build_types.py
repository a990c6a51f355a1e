"""ShardedGraph checks the edges, node ranges, edge_attr list and payload it is given.

It rejects float edges, bad node ranges, a short edge_attr list and another rank's
payload.
"""

import pytest
import torch
from harness import run_world

from graphkit.distributed import ShardedGraph
from graphkit.distributed.runtime import communicator

pytestmark = pytest.mark.distributed

NO_EDGES = torch.empty(2, 0, dtype=torch.long)


def _build(rank: int, world_size: int, node_ranges, edges, edge_attr=None) -> str:
    """Build the graph and return the error as "Type: text", or "built"."""
    try:
        ShardedGraph(communicator(), node_ranges, edges, edge_attr)
    except (TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return "built"


def test_float_edges_rejected():
    # .long() would have read the source 0.7 as node 0 of rank 0.
    edges = [torch.tensor([[0.7], [0.0]]), NO_EDGES]
    results = run_world(_build, 2, torch.tensor([0, 2, 4]), edges)
    for message in results:
        assert message == (
            "TypeError: edges[0] must have an integer dtype (torch.long or "
            "torch.int32), got torch.float32. Convert whole-number ids with "
            "edges[0].long()"
        )


def test_float_node_ranges_rejected():
    # .long() would have given rank 0 the nodes [0, 2) and rank 1 the nodes [2, 5).
    results = run_world(_build, 2, torch.tensor([0.0, 2.5, 5.0]), [NO_EDGES, NO_EDGES])
    for message in results:
        assert message.startswith(
            "TypeError: node_ranges must have an integer dtype, got torch.float32"
        )


def test_decreasing_node_ranges_rejected():
    results = run_world(_build, 2, torch.tensor([0, 5, 3]), [NO_EDGES, NO_EDGES])
    for message in results:
        assert message.startswith(
            "ValueError: node_ranges must not decrease, but partition 1 would own the "
            "nodes [5, 3) (node_ranges [0, 5, 3])"
        )


def test_node_ranges_not_from_zero_rejected():
    results = run_world(_build, 2, torch.tensor([1, 3, 5]), [NO_EDGES, NO_EDGES])
    for message in results:
        assert message.startswith(
            "ValueError: node_ranges must start at node 0, got [1, 3, 5]"
        )


def test_short_edge_attr_list_rejected():
    edges = [NO_EDGES, NO_EDGES]
    results = run_world(_build, 2, torch.tensor([0, 2, 4]), edges, [torch.ones(0, 1)])
    for message in results:
        assert message.startswith(
            "ValueError: expected edge_attr from 2 peers, got 1"
        )


def test_list_node_ranges_built():
    assert run_world(_build, 2, [0, 2, 4], [NO_EDGES, NO_EDGES]) == ["built", "built"]


def _build_from_payload_of(rank: int, world_size: int, owners) -> str:
    """Build rank ``rank``'s graph from the payload of partition ``owners[rank]``."""
    from torch_geometric.data import Data

    from graphkit.distributed import partition_payloads

    # Two partitions of four nodes each, so only the rank check distinguishes them.
    edge_index = torch.tensor([[0, 1, 4, 5, 2, 6], [1, 0, 5, 4, 6, 2]])
    data = Data(edge_index=edge_index, num_nodes=8)
    parts = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    _, payload = next(partition_payloads(data, parts, 2, ranks=[owners[rank]]))
    try:
        ShardedGraph.from_partition(communicator(), payload)
    except ValueError as error:
        return f"ValueError: {error}"
    return "built"


def test_payload_of_other_rank_rejected():
    # Unchecked, each rank would build a graph from the other rank's edges.
    results = run_world(_build_from_payload_of, 2, [1, 0])
    for rank, message in enumerate(results):
        assert message == (
            f"ValueError: rank {rank} was given the payload of partition {1 - rank}. "
            f"Load partition {rank} on rank {rank}, with load_partition(folder, rank, "
            "world_size) or partition_payloads(data, parts, num_parts, ranks=[rank])"
        )


def test_payload_of_own_rank_built():
    assert run_world(_build_from_payload_of, 2, [0, 1]) == ["built", "built"]
