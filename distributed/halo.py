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

With ``max_message_bytes`` set, each round's rows and gradients travel in messages of
at most that size. A rank then keeps at most two outgoing messages at a time instead
of a copy of all rows a peer needs, and in the backward pass at most two messages in
each direction instead of whole halo gradients (SAR's reference code splits its
collectives by a ``max_collective_size`` for the same reason).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator

import torch
from torch import Tensor

from graphkit.distributed.comm import MAX_CHUNKS, Communicator
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
        max_message_bytes (int, optional): split each round of :meth:`fetch` and
            :meth:`return_grads` into messages of at most this many bytes (at least one
            row each). None sends a peer's rows, or their gradient, in one message.
            (default: ``None``)
    """

    def __init__(
        self,
        comm: Communicator,
        send_rows: list[Tensor],
        recv_counts: list[int],
        tracker: FetchTracker,
        one_shot: bool = False,
        look_ahead: bool = True,
        max_message_bytes: int | None = None,
    ) -> None:
        if max_message_bytes is not None and max_message_bytes < 1:
            raise ValueError(
                f"max_message_bytes={max_message_bytes} is invalid: use a positive "
                "number of bytes, or None for one message per peer"
            )
        self.comm, self.send_rows, self.recv_counts = comm, send_rows, recv_counts
        self.tracker, self.one_shot, self.look_ahead = tracker, one_shot, look_ahead
        self.rank, self.world_size = comm.rank, comm.world_size
        self.max_message_bytes = max_message_bytes

    @property
    def accepts_row_chunks(self) -> bool:
        """Whether :meth:`return_grads` takes :class:`RowChunks` in place of tensors."""
        return self.max_message_bytes is not None and not self.one_shot

    def peer_order(self) -> list[int]:
        """Peers in round order: ``(r - k) mod N`` for ``k = 0 .. N-1``."""
        return [(self.rank - k) % self.world_size for k in range(self.world_size)]

    # Forward direction: fetch rows --------------------------------------------------
    def _post_fetch(self, k: int, tensors: list[Tensor], label: str):
        to_peer = (self.rank + k) % self.world_size
        from_peer = (self.rank - k) % self.world_size
        # Counted from allocation: a buffer posted ahead is resident memory too.
        recvs = self.tracker.hold(
            [t.new_empty((self.recv_counts[from_peer], *t.shape[1:])) for t in tensors]
        )
        if self.max_message_bytes is not None:
            transfer = _ChunkedFetch(self, tensors, to_peer, from_peer, recvs, label)
            return from_peer, recvs, transfer
        sends = [gather_rows(t, self.send_rows[to_peer]) for t in tensors]
        pending = self.comm.start({to_peer: sends}, {from_peer: recvs}, label)
        return from_peer, recvs, pending

    def _finish_fetch(self, pending) -> None:
        if isinstance(pending, _ChunkedFetch):
            pending.finish()
        else:
            self.comm.wait(pending)

    def fetch(
        self, tensors: list[Tensor], label: str
    ) -> Iterator[tuple[int, list[Tensor]]]:
        """Yield ``(peer, rows)`` for every peer in round order.

        ``rows[i]`` holds ``tensors[i]`` rows of the peer's halo (``[S_peer, *]``); for
        this rank it is ``tensors[i]`` itself. With ``look_ahead``, the exchange of
        round ``k + 1`` is posted before round ``k`` is yielded (round 1 before the
        local round 0), so it runs while the caller aggregates. Otherwise it is posted
        when the caller requests the next round. A caller that stops early (closing
        the generator, as an error in its loop does) still waits for that exchange.
        """
        tensors = [t.detach() for t in tensors]
        if self.one_shot:
            yield from self._fetch_all(tensors, label)
            return
        if self.world_size == 1:
            yield self.rank, tensors
            return
        ahead = None
        try:
            if self.look_ahead:
                # Round 1 travels while the caller aggregates the local block.
                ahead = self._post_fetch(1, tensors, label)
                yield self.rank, tensors
            else:
                yield self.rank, tensors
                ahead = self._post_fetch(1, tensors, label)
            for k in range(1, self.world_size):
                (peer, rows, pending), ahead = ahead, None
                if self.look_ahead and k + 1 < self.world_size:
                    ahead = self._post_fetch(k + 1, tensors, label)
                self._finish_fetch(pending)
                # Drop the finished operations now, because they reference this round's
                # send buffer.
                del pending
                yield peer, rows
                del rows
                if not self.look_ahead and k + 1 < self.world_size:
                    ahead = self._post_fetch(k + 1, tensors, label)
        except GeneratorExit:
            # The caller stopped early, such as on an error in its aggregation. The
            # peers posted the matching operations, so the exchange posted ahead
            # finishes. Left unfinished, it breaks the group's next exchange (with
            # gloo, a reset connection or a timeout).
            if ahead is not None:
                self._finish_fetch(ahead[2])
            raise

    def _fetch_all(self, tensors: list[Tensor], label: str):
        sends, recvs = {}, {}
        for peer in range(self.world_size):
            if peer == self.rank:
                continue
            sends[peer] = [gather_rows(t, self.send_rows[peer]) for t in tensors]
            recvs[peer] = self.tracker.hold(
                [t.new_empty((self.recv_counts[peer], *t.shape[1:])) for t in tensors]
            )
        pending = self.comm.start(sends, recvs, label)
        if self.look_ahead:
            # The exchange travels while the caller aggregates the local block.
            try:
                yield self.rank, tensors
            finally:
                # Also when the caller stops early, as in fetch.
                self.comm.wait(pending)
        else:
            self.comm.wait(pending)
            yield self.rank, tensors
        del sends, pending
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
        if self.max_message_bytes is not None:
            self._return_chunked(grads, targets, label)
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

    def _return_chunked(self, grads, targets: list[Tensor], label: str) -> None:
        """:meth:`return_grads` in messages of at most ``max_message_bytes``.

        In round ``k`` the gradient rows for peer ``r - k`` and those arriving from
        ``r + k`` are split into chunks of ``rows_per_message`` rows, a number both ends
        of a pair compute alike. Chunk ``c`` of both directions goes in one exchange
        tagged ``(round, c)``. With ``look_ahead`` the next chunk, or the next round's
        gradients, are computed while the previous chunk travels. Each arrived chunk is
        added to ``targets`` at once, so a rank keeps at most two chunks per direction.
        """
        row_bytes = sum(
            math.prod(t.shape[1:]) * t.element_size() for t in targets
        )
        in_flight = deque()
        for k, (peer, peer_grads) in enumerate(grads):
            assert peer == (self.rank - k) % self.world_size
            if k == 0:
                _add_local(targets, peer_grads)
                continue
            from_peer = (self.rank + k) % self.world_size
            rows = self.send_rows[from_peer]
            send_count, recv_count = self.recv_counts[peer], rows.numel()
            send_step = self._rows_per_message(send_count, row_bytes)
            recv_step = self._rows_per_message(recv_count, row_bytes)
            chunks = max(
                math.ceil(send_count / send_step), math.ceil(recv_count / recv_step)
            )
            base = self.comm.next_round()
            for chunk in range(chunks):
                start, stop = chunk * send_step, min((chunk + 1) * send_step, send_count)
                sends = (
                    {peer: [_chunk_rows(g, start, stop) for g in peer_grads]}
                    if start < send_count
                    else {}
                )
                low, high = chunk * recv_step, min((chunk + 1) * recv_step, recv_count)
                recvs = (
                    [t.new_empty((high - low, *t.shape[1:])) for t in targets]
                    if low < recv_count
                    else []
                )
                pending = self.comm.start(
                    sends,
                    {from_peer: recvs} if recvs else {},
                    label,
                    tag=self.comm.chunk_tag(base, chunk),
                )
                del sends
                in_flight.append((rows[low:high], recvs, pending))
                if len(in_flight) > (1 if self.look_ahead else 0):
                    self._finish_return(in_flight.popleft(), targets)
            # The last chunk stays in flight while the next round's gradients are
            # computed.
            del peer_grads
        while in_flight:
            self._finish_return(in_flight.popleft(), targets)

    def _rows_per_message(self, count: int, row_bytes: int) -> int:
        """Rows per message for a pair exchanging ``count`` rows of ``row_bytes`` each."""
        return rows_per_message(self.max_message_bytes, count, row_bytes)

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


def rows_per_message(max_message_bytes: int, count: int, row_bytes: int) -> int:
    """Return the rows per message for ``count`` rows of ``row_bytes`` bytes each.

    A message carries at most ``max_message_bytes`` and at least one row. When that
    would take more than :data:`~graphkit.distributed.comm.MAX_CHUNKS` messages, the
    rows are spread over that many messages instead, which may then exceed the limit.
    """
    step = max(1, max_message_bytes // max(row_bytes, 1))
    return max(step, math.ceil(count / MAX_CHUNKS))


def gather_rows(tensor: Tensor, rows: Tensor) -> Tensor:
    """Return the rows ``tensor[rows]`` of a 1-D index, copied into a new tensor.

    ``index_select`` gives the same values as advanced indexing, and on the CPU it took
    0.4 to 0.6 times as long for halo rows of 10 to 128 float32 values (torch 2.13, one
    thread, ``benchmarks/halo_pack.py``).
    """
    return tensor.index_select(0, rows)


def _add_local(targets: list[Tensor], grads: list[Tensor | None]) -> None:
    for target, grad in zip(targets, grads):
        if grad is not None:
            target.add_(grad)


class _ChunkedFetch:
    """One round of :meth:`HaloExchange.fetch` in messages of at most ``max_message_bytes``.

    Chunk ``c`` of both directions travels in one exchange tagged ``(round, c)``: the
    rows this rank sends to ``to_peer`` and the rows arriving from ``from_peer``, which
    land in row slices of the full receive buffers that the caller needs anyway. The
    first two exchanges are posted with the round, the rest in :meth:`finish`, each
    after the exchange two places earlier has finished. So a rank keeps at most two
    outgoing messages instead of a copy of every row the peer needs.

    Each exchange posts its send and its receive together. torch's nccl backend runs
    every batched point-to-point group of a device on one communicator's stream, in
    posting order, and nccl ignores tags. Had each rank posted all receives of the
    round before its first send, every first receive would wait for a send queued
    behind the peer's own receives.
    """

    def __init__(
        self,
        halo: HaloExchange,
        tensors: list[Tensor],
        to_peer: int,
        from_peer: int,
        recvs: list[Tensor],
        label: str,
    ) -> None:
        self.halo, self.tensors, self.recvs = halo, tensors, recvs
        self.to_peer, self.from_peer, self.label = to_peer, from_peer, label
        self.rows = halo.send_rows[to_peer]
        row_bytes = sum(math.prod(t.shape[1:]) * t.element_size() for t in tensors)
        send_count, recv_count = self.rows.numel(), halo.recv_counts[from_peer]
        self.send_step = halo._rows_per_message(send_count, row_bytes)
        self.recv_step = halo._rows_per_message(recv_count, row_bytes)
        self.send_count, self.recv_count = send_count, recv_count
        self.chunks = max(
            math.ceil(send_count / self.send_step),
            math.ceil(recv_count / self.recv_step),
        )
        self.base = halo.comm.next_round()
        self.in_flight: deque = deque()
        self.next_chunk = 0
        while self.next_chunk < min(2, self.chunks):
            self._post_next()

    def _post_next(self) -> None:
        chunk = self.next_chunk
        start = chunk * self.send_step
        sends = {}
        if start < self.send_count:
            rows = self.rows[start : start + self.send_step]
            sends[self.to_peer] = [gather_rows(t, rows) for t in self.tensors]
        low = chunk * self.recv_step
        recvs = {}
        if low < self.recv_count:
            recvs[self.from_peer] = [r[low : low + self.recv_step] for r in self.recvs]
        comm = self.halo.comm
        self.in_flight.append(
            comm.start(sends, recvs, self.label, tag=comm.chunk_tag(self.base, chunk))
        )
        self.next_chunk += 1

    def finish(self) -> None:
        comm = self.halo.comm
        while self.next_chunk < self.chunks:
            comm.wait(self.in_flight.popleft())
            self._post_next()
        while self.in_flight:
            comm.wait(self.in_flight.popleft())


class RowChunks:
    """The gradient rows ``matrix @ dense`` of one peer, computed a block of rows at a time.

    ``matrix`` is a sparse CSR matrix. :meth:`HaloExchange.return_grads` with
    ``max_message_bytes`` computes one message's rows at a time, so the whole product
    never exists at once.
    """

    def __init__(self, matrix: Tensor, dense: Tensor) -> None:
        self.matrix, self.dense = matrix, dense
        self.shape = (matrix.size(0), dense.size(1))

    def rows(self, start: int, stop: int) -> Tensor:
        crow = self.matrix.crow_indices()
        first, last = int(crow[start]), int(crow[stop])
        part = torch.sparse_csr_tensor(
            crow[start : stop + 1] - first,
            self.matrix.col_indices()[first:last],
            self.matrix.values()[first:last],
            (stop - start, self.matrix.size(1)),
            check_invariants=False,
        )
        return part @ self.dense


def _chunk_rows(grad: Tensor | RowChunks, start: int, stop: int) -> Tensor:
    if isinstance(grad, RowChunks):
        return grad.rows(start, stop)
    return grad[start:stop]
