"""ShardedGraph rejects edges, row requests and attention scores that do not fit."""

import pytest
import torch
from harness import run_world

from graphkit.distributed import ShardedGraph
from graphkit.distributed.runtime import communicator

pytestmark = pytest.mark.distributed

# Rank 0 owns nodes 0 and 1, rank 1 owns nodes 2, 3 and 4.
NODE_RANGES = torch.tensor([0, 2, 5])


def _try_build(node_ranges, edges) -> str:
    """Build a graph and return the ValueError text, or "built" on success."""
    try:
        ShardedGraph(communicator(), node_ranges, edges)
    except ValueError as error:
        return str(error)
    return "built"


def _build(rank: int, world_size: int, edges_by_rank):
    """Build this rank's graph from ``edges_by_rank[rank]`` and ``NODE_RANGES``."""
    edges = [torch.tensor(e, dtype=torch.long).view(2, -1) for e in edges_by_rank[rank]]
    return _try_build(NODE_RANGES, edges)


@pytest.mark.parametrize(
    ("source", "peer", "peer_range"),
    [
        # Node 2 is the first node of rank 1, one past the end of rank 0's range.
        (2, 0, "[0, 2)"),
        # Node 5 is one past the last node of the graph.
        (5, 1, "[2, 5)"),
        # Node 1 belongs to rank 0, just below rank 1's range.
        (1, 1, "[2, 5)"),
    ],
)
def test_source_outside_peer_range_rejected(source, peer, peer_range):
    # Both ranks list the same bad edge into their local row 0, so both must fail
    # before the first collective operation.
    bad = [[], []]
    bad[peer] = [[source], [0]]
    results = run_world(_build, 2, [bad, bad])
    for rank, message in enumerate(results):
        assert message == (
            f"edges listed under peer {peer} have sources outside its node range "
            f"{peer_range}"
        ), f"rank {rank}"


def test_sources_at_range_ends_accepted():
    # The first and last node of each range are valid sources.
    rank_0 = [[[0, 1], [1, 0]], [[2, 4], [0, 1]]]
    rank_1 = [[[0, 1], [0, 2]], [[2, 4], [1, 0]]]
    assert run_world(_build, 2, [rank_0, rank_1]) == ["built", "built"]


def _build_with_ranges(rank: int, world_size: int, ranges_by_rank, edges_by_rank):
    """Build this rank's graph from its own entry of ``ranges_by_rank``."""
    ranges = torch.tensor(ranges_by_rank[rank])
    edges = [torch.tensor(e, dtype=torch.long).view(2, -1) for e in edges_by_rank[rank]]
    return _try_build(ranges, edges)


def test_partitions_of_other_ranges_rejected():
    # Each rank owns one node but believes the other owns four. Rank 0 requests row 1
    # (node 2) of rank 1, and rank 1 requests row 1 (node 1) of rank 0. Each request
    # is one row past the end of what the other rank owns.
    ranges = [[0, 1, 5], [0, 4, 5]]
    edges = [[[], [[2], [0]]], [[[1], [0]], []]]
    results = run_world(_build_with_ranges, 2, ranges, edges)
    for rank, message in enumerate(results):
        other = 1 - rank
        assert message == (
            f"rank {other} requested rows beyond this partition's 1 nodes: the "
            "partitions do not match"
        ), f"rank {rank}"


def _attend_with_scores(rank: int, world_size: int, src_shape, dst_shape):
    """Call attend on a one-rank graph of 3 nodes and return the error text."""
    edges = [torch.tensor([[0, 1, 2], [1, 2, 0]])]
    graph = ShardedGraph(communicator(), torch.tensor([0, 3]), edges)
    value = torch.zeros(3, 2, 4)
    try:
        graph.attend(value, torch.zeros(src_shape), torch.zeros(dst_shape))
    except ValueError as error:
        return str(error)
    return "attended"


@pytest.mark.parametrize(
    ("name", "src_shape", "dst_shape", "got"),
    [
        ("score_src", (3, 3), (3, 2), [3, 3]),
        ("score_dst", (3, 2), (3, 1), [3, 1]),
        ("score_src", (2, 2), (3, 2), [2, 2]),
    ],
)
def test_attention_score_shape_rejected(name, src_shape, dst_shape, got):
    # value has 2 heads, so each score needs shape [3, 2].
    (message,) = run_world(_attend_with_scores, 1, src_shape, dst_shape)
    assert message == (
        f"rank 0: {name} must have shape [3, 2], got {got}. Pass one score per "
        "owned node and head"
    )


def test_attention_score_shape_accepted():
    assert run_world(_attend_with_scores, 1, (3, 2), (3, 2)) == ["attended"]


def _build_with_counts(rank: int, world_size: int, ranges, peers: int):
    """Build a graph from ``ranges`` with empty edge lists for ``peers`` peers."""
    edges = [torch.zeros(2, 0, dtype=torch.long) for _ in range(peers)]
    return _try_build(torch.tensor(ranges), edges)


@pytest.mark.parametrize(
    ("ranges", "peers", "message"),
    [
        (
            [0, 2, 4, 5],
            2,
            "node_ranges describes 3 partitions but the process group has world "
            "size 2",
        ),
        (
            [0, 5],
            2,
            "node_ranges describes 1 partitions but the process group has world "
            "size 2",
        ),
        ([0, 2, 5], 3, "expected edges from 2 peers, got 3"),
        ([0, 2, 5], 2, "built"),
    ],
)
def test_partition_counts_checked(ranges, peers, message):
    assert run_world(_build_with_counts, 2, ranges, peers) == [message, message]


def _propagate_with_edge_attr(rank: int, world_size: int) -> str:
    """Call propagate with per-call edge features and return the ValueError text."""
    graph = ShardedGraph(
        communicator(), torch.tensor([0, 2]), [torch.tensor([[0, 1], [1, 0]])]
    )
    try:
        graph.propagate(
            lambda x_j, x_i, edge_attr: x_j * edge_attr,
            torch.ones(2, 1),
            edge_attr=torch.ones(2, 1),
        )
    except ValueError as error:
        return str(error)
    return "no error"


def test_per_call_edge_attr_rejected():
    (message,) = run_world(_propagate_with_edge_attr, 1)
    assert message.startswith(
        "rank 0: ShardedGraph.propagate takes no edge_attr, because each rank stores "
        "its edges in another order than the edge_index"
    )
    assert "data.edge_attr before partitioning" in message
