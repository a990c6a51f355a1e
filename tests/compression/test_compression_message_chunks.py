"""Compressed halo exchange in messages of at most ``max_message_bytes``, with look-ahead.

Simulated ranks record what their :class:`CompressedHalo` posts (fast, one process):
message sizes, how many exchanges are in flight when the caller works, and a replay
under nccl's ordering rules. Spawned gloo ranks then check that the message limit and
look-ahead change no output or gradient bit, and replay what they posted.
"""

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from compression_workers import CODECS, message_limit_is_invisible
from graphkit.distributed.compression import CompressedHalo
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker
from harness import run_world
from stream_order import RecordingComm, match_in_order, replay
from workers import recorded

NODES, WIDTH = 6, 16


def _random_world(world_size: int, seed: int):
    """Per rank, the rows it sends to each peer and the row count it receives from each."""
    generator = torch.Generator().manual_seed(seed)
    # counts[p][q]: rows that rank p sends to rank q, 0 to 7 (0 for some pairs).
    counts = torch.randint(0, 8, (world_size, world_size), generator=generator)
    counts[0, -1] = 0
    send_rows = [
        [torch.arange(int(counts[p, q])) % NODES for q in range(world_size)]
        for p in range(world_size)
    ]
    recv_counts = [
        [int(counts[q, p]) for q in range(world_size)] for p in range(world_size)
    ]
    return send_rows, recv_counts


def _halos(world_size, seed, codec, look_ahead, max_message_bytes, one_shot=False):
    send_rows, recv_counts = _random_world(world_size, seed)
    halos = []
    for rank in range(world_size):
        halo = HaloExchange(
            RecordingComm(rank, world_size),
            send_rows[rank],
            recv_counts[rank],
            FetchTracker(),
            one_shot=one_shot,
            look_ahead=look_ahead,
            max_message_bytes=max_message_bytes,
        )
        halos.append(CompressedHalo(halo, CODECS[codec](), 4.0, 7, 0))
    return halos


def _inputs(rank: int) -> list[torch.Tensor]:
    """A float tensor that the codec compresses and integer ids that travel raw."""
    values = torch.randn(
        NODES, 2, WIDTH // 2, generator=torch.Generator().manual_seed(rank)
    )
    return [values, torch.arange(NODES).unsqueeze(1)]


def _run(halo: CompressedHalo, on_yield=None, on_grad=None) -> None:
    """Fetch and return gradients once, calling the hooks where the caller would work."""
    fetched = []
    for peer, rows in halo.fetch(_inputs(halo.rank), "fetch"):
        if on_yield is not None:
            on_yield(peer)
        fetched.append((peer, [torch.ones_like(rows[0]), torch.zeros_like(rows[1])]))

    def grads():
        for peer, peer_grads in fetched:
            if on_grad is not None:
                on_grad(peer)
            yield peer, peer_grads

    targets = [
        torch.zeros(NODES, 2, WIDTH // 2),
        torch.zeros(NODES, 1, dtype=torch.long),
    ]
    halo.return_grads(grads(), targets, "grad")


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_messages_stay_within_limit(codec):
    # Every payload row here is at most 72 bytes (subsample: 16 float32 values and an
    # int64 id), so a limit of 100 bytes is never below one row.
    limit, split = 100, False
    for world_size in (2, 3, 4):
        for halo in _halos(world_size, 0, codec, True, limit):
            _run(halo)
            for group in halo.comm.groups:
                for kind in ("send", "recv"):
                    size = sum(op[3] for op in group if op[0] == kind)
                    assert size <= limit, f"{world_size} ranks: {kind} of {size} bytes"
            # Whole payloads take one exchange per round in each direction.
            split |= len(halo.comm.groups) > 2 * (world_size - 1)
    assert split, "no round was split into several messages"


@pytest.mark.parametrize("codec", sorted(CODECS))
@pytest.mark.parametrize("max_message_bytes", [None, 1])
def test_no_look_ahead_finishes_each_round(codec, max_message_bytes):
    for rank, halo in enumerate(_halos(3, 1, codec, False, max_message_bytes)):
        seen = []

        def idle(peer, halo=halo, seen=seen):
            seen.append((peer, halo.comm.unfinished))

        _run(halo, on_yield=idle, on_grad=idle)
        assert len(seen) == 6, seen
        for peer, unfinished in seen:
            assert unfinished == 0, (
                f"rank {rank}: {unfinished} in flight at peer {peer}"
            )


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_look_ahead_overlaps_next_round(codec):
    for rank, halo in enumerate(_halos(3, 1, codec, True, None)):
        fetch, grad = [], []
        comm = halo.comm
        _run(
            halo,
            on_yield=lambda peer, comm=comm, fetch=fetch: fetch.append(comm.unfinished),
            on_grad=lambda peer, comm=comm, grad=grad: grad.append(comm.unfinished),
        )
        # Rounds: the own rows, then peers r - 1 and r - 2. Each peer's fetch is in
        # flight while the caller works on the round before it (the first peer's while
        # it aggregates its own rows), and the first peer's gradient while the caller
        # computes the second's.
        assert fetch == [1, 1, 0], f"rank {rank}: fetch {fetch}"
        assert grad == [0, 0, 1], f"rank {rank}: gradients {grad}"


@pytest.mark.parametrize("world_size", [2, 3, 4])
@pytest.mark.parametrize("look_ahead", [True, False])
@pytest.mark.parametrize("max_message_bytes", [None, 1, 40])
@pytest.mark.parametrize("one_shot", [False, True])
def test_compressed_groups_run_in_stream_order(
    world_size, look_ahead, max_message_bytes, one_shot
):
    for codec in sorted(CODECS):
        for seed in range(3):
            halos = _halos(
                world_size, seed, codec, look_ahead, max_message_bytes, one_shot
            )
            for halo in halos:
                _run(halo)
            streams = [halo.comm.groups for halo in halos]
            stuck = replay(streams, match_in_order(streams))
            assert stuck == [], f"{codec}, seed {seed}: ranks {stuck} wait forever"


@pytest.mark.distributed
@pytest.mark.parametrize("world_size", [2, 3, 4])
def test_message_limit_keeps_results_bit_identical(world_size):
    results = run_world(recorded, world_size, message_limit_is_invisible)
    failures = [line for rank_failures, _ in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])
    streams = [groups for _, groups in results]
    assert all(streams)
    stuck = replay(streams, match_in_order(streams))
    assert stuck == [], f"ranks {stuck} wait forever"


def test_message_rows_of_unequal_payload_tensors():
    # A subsampled code of 2 rows is sent with 5 raw rows (node ids). Exchange c
    # carries rows [c, c + 1) of each tensor that still has them.
    from graphkit.distributed.compression.messages import _rows

    code = torch.arange(2.0).view(2, 1)
    ids = torch.arange(10, 15).view(5, 1)
    first = _rows({1: [code, ids]}, 1, 1)
    assert [t.flatten().tolist() for t in first[1]] == [[1.0], [11]]
    later = _rows({1: [code, ids]}, 3, 1)
    assert [t.flatten().tolist() for t in later[1]] == [[], [13]]
    assert _rows({1: [code, ids]}, 5, 1) == {}
