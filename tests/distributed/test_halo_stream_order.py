"""Halo exchanges posted in an order that nccl's single stream can run.

nccl runs each rank's batched point-to-point groups one after another on one stream,
and matches the ``i``-th send from ``a`` to ``b`` with the ``i``-th receive on ``b``
from ``a``, ignoring tags. These tests record the groups that every rank of a
simulated world posts and replay them under those rules. Every group must complete.
Matched operations must agree on the tag and the byte count, so that gloo (which
matches by tag) and nccl pair the same messages.
"""

from collections import defaultdict
from dataclasses import dataclass

import pytest
import torch

from graphkit.distributed.comm import Communicator, PendingExchange
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker


@dataclass
class _Op:
    kind: str  # "send" or "recv"
    peer: int
    tag: int
    nbytes: int
    done: bool = False


class _RecordingComm(Communicator):
    """A communicator for one simulated rank that records groups instead of sending."""

    def __init__(self, rank: int, world_size: int) -> None:
        self.rank, self.world_size = rank, world_size
        self.group, self.device = None, torch.device("cpu")
        self._tag = 0
        self.groups: list[list[_Op]] = []

    def start(self, sends, recvs, label, tag=None):
        if tag is None:
            self._tag = (self._tag + 1) % (1 << 20)
            tag = self._tag
        group = []
        for kind, table in (("send", sends), ("recv", recvs)):
            for peer, tensors in table.items():
                for t in tensors:
                    if t.numel():
                        group.append(_Op(kind, peer, tag, t.numel() * t.element_size()))
        if group:
            self.groups.append(group)
        return PendingExchange([], (), label)

    def wait(self, pending):
        pass


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
        comm = _RecordingComm(rank, world_size)
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


def _match_in_order(streams):
    """Pair the i-th send a -> b with the i-th receive on b from a."""
    sends, recvs = defaultdict(list), defaultdict(list)
    for rank, groups in enumerate(streams):
        for index, group in enumerate(groups):
            for op in group:
                if op.kind == "send":
                    sends[(rank, op.peer)].append((rank, index, op))
                else:
                    recvs[(op.peer, rank)].append((rank, index, op))
    assert sends.keys() == recvs.keys()
    partner = {}
    for pair, pair_sends in sends.items():
        pair_recvs = recvs[pair]
        assert len(pair_sends) == len(pair_recvs), pair
        for send, recv in zip(pair_sends, pair_recvs):
            assert send[2].tag == recv[2].tag, (pair, send[2], recv[2])
            assert send[2].nbytes == recv[2].nbytes, (pair, send[2], recv[2])
            partner[id(send[2])] = recv
            partner[id(recv[2])] = send
    return partner


def _replay(streams, partner):
    """Run each rank's groups in order; return the ranks stuck, if any."""
    heads = [0] * len(streams)
    progressed = True
    while progressed:
        progressed = False
        for rank, groups in enumerate(streams):
            if heads[rank] == len(groups):
                continue
            for op in groups[heads[rank]]:
                peer_rank, peer_index, peer_op = partner[id(op)]
                if not op.done and heads[peer_rank] == peer_index:
                    op.done = peer_op.done = True
            if all(op.done for op in groups[heads[rank]]):
                heads[rank] += 1
                progressed = True
    return [rank for rank, groups in enumerate(streams) if heads[rank] < len(groups)]


@pytest.mark.parametrize("world_size", [2, 3, 4])
@pytest.mark.parametrize("look_ahead", [True, False])
@pytest.mark.parametrize("max_message_bytes", [None, 1, 24])
def test_halo_groups_run_in_stream_order(world_size, look_ahead, max_message_bytes):
    for seed in range(3):
        streams = _record(world_size, seed, look_ahead, max_message_bytes)
        partner = _match_in_order(streams)
        stuck = _replay(streams, partner)
        assert stuck == [], f"seed {seed}: ranks {stuck} wait forever"
