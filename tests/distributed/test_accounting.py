"""Bytes exchanged per label and bytes held by fetched rows, per mode."""

import pytest
import torch
from graphkit.distributed import partition_nodes
from harness import run_world
from workers import fetched_and_sent, random_graph

pytestmark = pytest.mark.distributed

ROW = 6 * 4  # the test graph has 6 float32 features


def _distinct_sources(world_size: int, src_part: int, dst_part: int) -> int:
    """Count nodes of ``src_part`` with an edge into ``dst_part``, from the edge list.

    Each such node is one halo row that ``src_part`` sends to ``dst_part``, however
    many of its edges end there.
    """
    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    src, dst = data.edge_index
    crossing = (parts[src] == src_part) & (parts[dst] == dst_part)
    return torch.unique(src[crossing]).numel()


def test_bytes_and_fetched_memory_per_mode():
    for rank, result in enumerate(run_world(fetched_and_sent, 4)):
        peers = [p for p in range(4) if p != rank]
        # The row counts below come from the graph under test. Check them against the
        # edge list first, because a halo with repeated rows inflates every byte count.
        assert result["sar"]["halo"] == [_distinct_sources(4, p, rank) for p in peers]
        assert result["sar"]["sends"] == [_distinct_sources(4, rank, p) for p in peers]
        halo_bytes = [n * ROW for n in result["sar"]["halo"]]
        send_bytes = sum(n * ROW for n in result["sar"]["sends"])
        assert len([b for b in halo_bytes if b]) == 3, f"rank {rank} lacks a halo"
        for mode in ("sar", "sa", "one-shot"):
            labels = result[mode]["per_label"]
            assert labels["aggregate:max[6]"] == [send_bytes, sum(halo_bytes)], mode
            assert labels["aggregate:max[6]/grad"] == [sum(halo_bytes), send_bytes], (
                mode
            )
        # sar fetches again in backward; sa and one-shot keep the forward's rows.
        assert result["sar"]["per_label"]["aggregate:max[6]/refetch"] == [
            send_bytes,
            sum(halo_bytes),
        ]
        assert "aggregate:max[6]/refetch" not in result["sa"]["per_label"]
        # sa and one-shot hold every halo at once; sar at most the two largest
        # (the current round and the one posted ahead).
        assert result["sa"]["fetched_peak"] == sum(halo_bytes)
        assert result["one-shot"]["fetched_peak"] == sum(halo_bytes)
        two_largest = sum(sorted(halo_bytes)[-2:])
        assert result["sar"]["fetched_peak"] <= two_largest
        assert result["sar"]["fetched_peak"] < sum(halo_bytes)


def _collective_bytes(rank: int, world_size: int):
    from graphkit.distributed.runtime import communicator

    comm = communicator()
    comm.stats.reset()
    comm.broadcast(torch.zeros(10), src=1, label="broadcast")
    comm.all_reduce(torch.zeros(3, dtype=torch.float64), label="all_reduce")
    return {k: (comm.stats.sent[k], comm.stats.received[k]) for k in comm.stats.sent}


def test_collective_bytes_per_rank():
    # The source of a broadcast sends its 40 bytes and every other rank receives
    # them. An all-reduce counts its 24 bytes as sent and received on every rank.
    results = run_world(_collective_bytes, 3)
    assert results[1] == {"broadcast": (40, 0), "all_reduce": (24, 24)}
    for rank in (0, 2):
        assert results[rank] == {"broadcast": (0, 40), "all_reduce": (24, 24)}, rank


def test_fetch_tracker_peak_restarts_from_held_bytes():
    from graphkit.distributed.memory import FetchTracker

    tracker = FetchTracker()
    kept = tracker.hold([torch.zeros(10), torch.zeros(0)])  # 40 bytes and 0 bytes
    dropped = tracker.hold([torch.zeros(5, dtype=torch.float64)])  # 40 bytes
    assert tracker.reset_peak() == 80
    # Each new peak starts from the bytes held at the reset, because they still use
    # memory. Releasing rows lowers the count but not the peak already reached.
    del dropped
    assert tracker.current == 40
    assert tracker.reset_peak() == 80
    assert tracker.reset_peak() == 40
    del kept
    assert tracker.current == 0
    assert tracker.reset_peak() == 40
    assert tracker.reset_peak() == 0
