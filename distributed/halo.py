"""Routing of halo rows between partitions: fetch features, return their gradients.

Rank ``r`` of ``N`` holds, for every peer ``p``, a block of edges whose sources are
``S_p`` nodes owned by ``p`` (the halo from ``p``). ``send_rows[q]`` lists the local
rows that peer ``q`` needs from ``r``. In round ``k = 0 .. N-1``, rank ``r`` receives
the halo of peer ``(r - k) mod N`` while sending its rows to ``(r + k) mod N``, so round
0 is the local block and every round pairs each rank with one sender and one receiver.
Gradients travel the other way: in round ``k`` the gradient of the rows fetched from
``(r - k)`` goes back to that peer, and ``(r + k)`` returns the gradient of the rows it
fetched from ``r``.

``one-shot`` mode replaces the ``N`` rounds by a single exchange with every peer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from torch import Tensor

from graphkit.distributed.comm import Communicator
from graphkit.distributed.memory import FetchTracker


class HaloExchange:
    """Fetches halo rows from peers and returns gradients for them to their owners.

    Args:
        comm (Communicator): the process group wrapper.
        send_rows (list[LongTensor]): per peer, the local rows it needs (the entry for
            this rank is unused).
        recv_counts (list[int]): per peer, the number of halo rows fetched from it.
        tracker (FetchTracker): records the bytes held by fetched rows.
        one_shot (bool): exchange with all peers at once instead of in rounds.
        look_ahead (bool): post the next round's fetch before the caller works on the
            current one, and compute the next round's gradients while the previous
            ones travel, so transfers overlap the computation. Without it a rank keeps
            one round's rows, or one round's gradients, at a time, at the cost of that
            overlap. (default: ``True``)
    """

    def __init__(
        self,
        comm: Communicator,
        send_rows: list[Tensor],
        recv_counts: list[int],
        tracker: FetchTracker,
        one_shot: bool = False,
        look_ahead: bool = True,
    ) -> None:
        self.comm, self.send_rows, self.recv_counts = comm, send_rows, recv_counts
        self.tracker, self.one_shot, self.look_ahead = tracker, one_shot, look_ahead
        self.rank, self.world_size = comm.rank, comm.world_size

    def peer_order(self) -> list[int]:
        """Peers in round order: ``(r - k) mod N`` for ``k = 0 .. N-1``."""
        return [(self.rank - k) % self.world_size for k in range(self.world_size)]

    # Forward direction: fetch rows --------------------------------------------------
    def _post_fetch(self, k: int, tensors: list[Tensor], label: str):
        to_peer = (self.rank + k) % self.world_size
        from_peer = (self.rank - k) % self.world_size
        sends = [t[self.send_rows[to_peer]] for t in tensors]
        # Counted from allocation: a buffer posted ahead is resident memory too.
        recvs = self.tracker.hold(
            [t.new_empty((self.recv_counts[from_peer], *t.shape[1:])) for t in tensors]
        )
        pending = self.comm.start({to_peer: sends}, {from_peer: recvs}, label)
        return from_peer, recvs, pending

    def fetch(
        self, tensors: list[Tensor], label: str
    ) -> Iterator[tuple[int, list[Tensor]]]:
        """Yield ``(peer, rows)`` for every peer in round order.

        ``rows[i]`` holds ``tensors[i]`` rows of the peer's halo (``[S_peer, *]``); for
        this rank it is ``tensors[i]`` itself. With ``look_ahead``, the exchange of
        round ``k + 1`` is posted before round ``k`` is yielded, so it runs while the
        caller aggregates. Otherwise it is posted when the caller requests the next
        round.
        """
        tensors = [t.detach() for t in tensors]
        if self.one_shot:
            yield from self._fetch_all(tensors, label)
            return
        yield self.rank, tensors
        if self.world_size == 1:
            return
        ahead = self._post_fetch(1, tensors, label)
        for k in range(1, self.world_size):
            (peer, rows, pending), ahead = ahead, None
            if self.look_ahead and k + 1 < self.world_size:
                ahead = self._post_fetch(k + 1, tensors, label)
            self.comm.wait(pending)
            # Drop the finished operations now, because they reference this round's send
            # buffer.
            del pending
            yield peer, rows
            del rows
            if not self.look_ahead and k + 1 < self.world_size:
                ahead = self._post_fetch(k + 1, tensors, label)

    def _fetch_all(self, tensors: list[Tensor], label: str):
        sends, recvs = {}, {}
        for peer in range(self.world_size):
            if peer == self.rank:
                continue
            sends[peer] = [t[self.send_rows[peer]] for t in tensors]
            recvs[peer] = self.tracker.hold(
                [t.new_empty((self.recv_counts[peer], *t.shape[1:])) for t in tensors]
            )
        self.comm.wait(self.comm.start(sends, recvs, label))
        del sends
        yield self.rank, tensors
        for peer in self.peer_order()[1:]:
            yield peer, recvs.pop(peer)

    # Backward direction: return gradients -------------------------------------------
    def _post_return(
        self, k: int, grads: list[Tensor], targets: list[Tensor], label: str
    ):
        to_peer = (self.rank - k) % self.world_size
        from_peer = (self.rank + k) % self.world_size
        rows = self.send_rows[from_peer]
        recvs = [t.new_empty((rows.numel(), *t.shape[1:])) for t in targets]
        pending = self.comm.start({to_peer: grads}, {from_peer: recvs}, label)
        return rows, recvs, pending

    def _accumulate(
        self, rows: Tensor, recvs: list[Tensor], targets: list[Tensor]
    ) -> None:
        for target, grad in zip(targets, recvs):
            target.index_add_(0, rows, grad)

    def return_grads(
        self,
        grads: Iterable[tuple[int, list[Tensor]]],
        targets: list[Tensor],
        label: str,
    ) -> None:
        """Send each peer the gradient of its halo rows; add what comes back to ``targets``.

        ``grads`` yields ``(peer, [grad per tensor])`` in round order, the order of
        :meth:`fetch`. The local entry is added to ``targets`` directly, and may contain
        ``None`` for a gradient the caller already added there. The gradients arriving
        for this rank's rows are added at ``send_rows`` of their sender.
        """
        if self.one_shot:
            self._return_all(grads, targets, label)
            return
        previous = None
        for k, (peer, peer_grads) in enumerate(grads):
            assert peer == (self.rank - k) % self.world_size
            if k == 0:
                _add_local(targets, peer_grads)
                continue
            # The previous round's transfer overlapped the computation of this round's
            # gradients. Finish it before posting this round, so at most one round's
            # buffers are in flight.
            if previous is not None:
                self._finish_return(previous, targets)
                # Drop the finished buffers before the next round allocates its own.
                previous = None
            previous = self._post_return(k, peer_grads, targets, label)
            del peer_grads
            if not self.look_ahead:
                # Finish this round before the caller computes the next one.
                self._finish_return(previous, targets)
                previous = None
        if previous is not None:
            self._finish_return(previous, targets)

    def _finish_return(self, posted, targets: list[Tensor]) -> None:
        """Wait for a posted gradient round and add what arrived to ``targets``."""
        rows, recvs, pending = posted
        self.comm.wait(pending)
        self._accumulate(rows, recvs, targets)

    def _return_all(self, grads, targets, label: str) -> None:
        sends, recvs = {}, {}
        for peer, peer_grads in grads:
            if peer == self.rank:
                _add_local(targets, peer_grads)
            else:
                sends[peer] = peer_grads
        for peer in range(self.world_size):
            if peer != self.rank:
                rows = self.send_rows[peer].numel()
                recvs[peer] = [t.new_empty((rows, *t.shape[1:])) for t in targets]
        self.comm.wait(self.comm.start(sends, recvs, label))
        for peer, received in recvs.items():
            self._accumulate(self.send_rows[peer], received, targets)


def _add_local(targets: list[Tensor], grads: list[Tensor | None]) -> None:
    for target, grad in zip(targets, grads):
        if grad is not None:
            target.add_(grad)
