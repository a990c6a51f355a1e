"""Halo exchanges posted in an order that nccl's single stream can run.

Simulated ranks record the groups that their :class:`HaloExchange` posts, and
:mod:`stream_order` replays them under nccl's rules: every group must complete, and
matched operations must agree on the tag (which gloo matches by) and the byte count.
"""

import pytest
import torch
from stream_order import RecordingComm, match_in_order, replay

from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker


def _random_world(world_size: int, seed: int):
    generator = torch.Generator().manual_seed(seed)
    nodes = 6
    # counts[p][q]: rows that rank p sends to rank q (0 for some pairs).
    counts = torch.randint(0, 8, (world_size, world_size), generator=generator)
    counts[0, -1] = 0
    send_rows = [
        [torch.arange(int(counts[p, q])) % nodes for q in range(world_size)]
        for p in range(world_size)
    ]
    recv_counts = [
        [int(counts[q, p]) for q in range(world_size)] for p in range(world_size)
    ]
    return nodes, send_rows, recv_counts


def _record(world_size, seed, look_ahead, max_message_bytes):
    nodes, send_rows, recv_counts = _random_world(world_size, seed)
    comms = []
    for rank in range(world_size):
        comm = RecordingComm(rank, world_size)
        halo = HaloExchange(
            comm,
            send_rows[rank],
            recv_counts[rank],
            FetchTracker(),
            look_ahead=look_ahead,
            max_message_bytes=max_message_bytes,
        )
        x = torch.zeros(nodes, 3)
        peers = [peer for peer, _ in halo.fetch([x], "fetch")]
        grads = [
            (peer, [torch.zeros(nodes if peer == rank else recv_counts[rank][peer], 3)])
            for peer in peers
        ]
        halo.return_grads(grads, [torch.zeros(nodes, 3)], "grad")
        comms.append(comm)
    return [comm.groups for comm in comms]


def _sent_bytes(streams, world_size: int) -> torch.Tensor:
    """Sum the bytes of the sends that rank ``p`` posted to ``q`` into ``sent[p][q]``."""
    sent = torch.zeros(world_size, world_size, dtype=torch.long)
    for rank, groups in enumerate(streams):
        for group in groups:
            for kind, peer, _, nbytes in group:
                if kind == "send":
                    sent[rank, peer] += nbytes
    return sent


@pytest.mark.parametrize("world_size", [2, 3, 4])
@pytest.mark.parametrize("look_ahead", [True, False])
@pytest.mark.parametrize("max_message_bytes", [None, 1, 24])
def test_halo_groups_run_in_stream_order(world_size, look_ahead, max_message_bytes):
    for seed in range(3):
        streams = _record(world_size, seed, look_ahead, max_message_bytes)
        stuck = replay(streams, match_in_order(streams))
        assert stuck == [], f"seed {seed}: ranks {stuck} wait forever"
        # Ranks that skipped an exchange together would also replay without a wait,
        # so check the volume too. Rank p sends its counts[p][q] rows of 3 float32
        # values to q, and q returns the gradients of those rows. No rank sends to
        # itself.
        _, send_rows, _ = _random_world(world_size, seed)
        counts = torch.tensor([[rows.numel() for rows in row] for row in send_rows])
        want = 3 * 4 * (counts + counts.t())
        want.fill_diagonal_(0)
        got = _sent_bytes(streams, world_size)
        assert got.tolist() == want.tolist(), f"seed {seed}"
