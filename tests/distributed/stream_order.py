"""Replay recorded communication under nccl's ordering rules.

torch's nccl backend runs a device's batched point-to-point groups and its
collectives on one stream, in posting order, and nccl matches the ``i``-th send from
``a`` to ``b`` with the ``i``-th receive on ``b`` from ``a``, ignoring tags. A
recorded stream is a list of groups per rank. Each group is a list of
``(kind, peer, tag, nbytes)`` with kind ``"send"``, ``"recv"`` or ``"collective"``
(peer and tag unused for collectives, whose ``i``-th call pairs with every other
rank's ``i``-th call).
"""

from __future__ import annotations

from collections import defaultdict

import torch

from graphkit.distributed.comm import Communicator, PendingExchange


class RecordingComm(Communicator):
    """A communicator of one simulated rank that records groups instead of sending.

    ``groups`` lists the non-empty groups in posting order, in this module's format.
    ``unfinished`` counts the exchanges posted but not yet waited for. Nothing is sent,
    so receive buffers keep whatever they held.
    """

    def __init__(self, rank: int, world_size: int) -> None:
        self.rank, self.world_size = rank, world_size
        self.group, self.device = None, torch.device("cpu")
        self._tag = 0
        self.groups: list[list[tuple]] = []
        self.unfinished = 0

    def start(self, sends, recvs, label, tag=None):
        if tag is None:
            self._tag = (self._tag + 1) % (1 << 20)
            tag = self._tag
        group = []
        for kind, table in (("send", sends), ("recv", recvs)):
            for peer, tensors in table.items():
                for t in tensors:
                    if t.numel():
                        group.append((kind, peer, tag, t.numel() * t.element_size()))
        if group:
            self.groups.append(group)
        self.unfinished += 1
        return PendingExchange([], (), label)

    def wait(self, pending):
        self.unfinished -= 1


def match_in_order(streams) -> dict:
    """Pair operations as nccl does, and assert that each pair agrees on tag and size.

    Returns a map from ``(rank, group, position)`` to the set of operations that must
    be at the head of their ranks' streams together.
    """
    sends, recvs, collectives = defaultdict(list), defaultdict(list), defaultdict(list)
    for rank, groups in enumerate(streams):
        count = 0
        for index, group in enumerate(groups):
            for position, (kind, peer, tag, nbytes) in enumerate(group):
                key = (rank, index, position)
                if kind == "send":
                    sends[(rank, peer)].append((key, tag, nbytes))
                elif kind == "recv":
                    recvs[(peer, rank)].append((key, tag, nbytes))
                else:
                    collectives[count].append((key, tag, nbytes))
                    count += 1
    assert sends.keys() == recvs.keys(), "a send or receive has no counterpart"
    partners = {}
    for pair, pair_sends in sends.items():
        pair_recvs = recvs[pair]
        assert len(pair_sends) == len(pair_recvs), f"pair {pair}: unmatched messages"
        for send, recv in zip(pair_sends, pair_recvs):
            assert send[1] == recv[1], f"pair {pair}: tags {send[1]} and {recv[1]}"
            assert send[2] == recv[2], f"pair {pair}: {send[2]} and {recv[2]} bytes"
            partners[send[0]] = partners[recv[0]] = {send[0], recv[0]}
    for number, calls in collectives.items():
        assert len(calls) == len(streams), f"collective {number} misses a rank"
        sizes = {nbytes for _, _, nbytes in calls}
        assert len(sizes) == 1, f"collective {number} has sizes {sorted(sizes)}"
        members = {key for key, _, _ in calls}
        for key in members:
            partners[key] = members
    return partners


def replay(streams, partners) -> list[int]:
    """Run each rank's groups in order and return the ranks left waiting forever."""
    heads = [0] * len(streams)
    done = set()
    progressed = True
    while progressed:
        progressed = False
        for rank, groups in enumerate(streams):
            if heads[rank] == len(groups):
                continue
            index = heads[rank]
            for position in range(len(groups[index])):
                members = partners[(rank, index, position)]
                if all(heads[r] == i for r, i, _ in members):
                    done |= members
            if all((rank, index, p) in done for p in range(len(groups[index]))):
                heads[rank] += 1
                progressed = True
    return [rank for rank, groups in enumerate(streams) if heads[rank] < len(groups)]
