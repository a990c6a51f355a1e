"""Halo exchange through a codec: the owner encodes the rows it sends, the receiver decodes.

:class:`CompressedHalo` offers what the SAR autograd functions use of
:class:`~graphkit.distributed.halo.HaloExchange` (``fetch``, ``return_grads``,
``peer_order``, ``rank``, ``recv_counts``) and follows the same round order: in round
``k`` rank ``r`` sends to ``(r + k) mod N`` and receives from ``(r - k) mod N``, or
exchanges with every peer at once in ``one-shot`` mode. One instance serves one
aggregation call, forward and backward, so rows fetched again in the backward pass
(``sar`` mode) are encoded with the same seed and decode to the same values.

Backward: the receiver turns the gradient of the decoded rows into a gradient payload
(:meth:`Codec.encode_grad`), sends it to the owner, and the owner turns it into the
gradient of the rows it sent (:meth:`Codec.decode_grad`) and adds it at ``send_rows``.
Tensors a codec does not compress (narrower than its ``min_width``, or of an integer
or boolean dtype, such as node ids) travel as raw rows in both directions.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator

from graphkit.distributed.compression.codec import Codec, CodeContext, mix_seed
from graphkit.distributed.compression.messages import RoundMessages
from graphkit.distributed.halo import HaloExchange, gather_rows
from graphkit.ops.shapes import as_matrix
from torch import Tensor


class _Posted:
    """One posted round: its messages and the receive buffers per peer and tensor.

    A fetch round posts its first two exchanges at once and the others in
    :meth:`finish`, each after the exchange two places earlier has finished, as the
    uncompressed exchange does.
    """

    def __init__(
        self, received: dict[int, list[list[Tensor]]], messages: RoundMessages
    ) -> None:
        self.received, self.messages = received, messages
        self.in_flight: deque = deque()
        self.next_index = 0

    def post_next(self) -> None:
        self.in_flight.append(self.messages.post(self.next_index))
        self.next_index += 1
        if self.next_index == self.messages.count:
            self.messages.release()

    def start(self) -> _Posted:
        while self.next_index < min(2, self.messages.count):
            self.post_next()
        return self

    def finish(self) -> None:
        comm = self.messages.comm
        while self.next_index < self.messages.count:
            comm.wait(self.in_flight.popleft())
            self.post_next()
        while self.in_flight:
            comm.wait(self.in_flight.popleft())


class CompressedHalo:
    """The halo exchange of one aggregation call, compressed with ``codec`` at ``ratio``.

    Args:
        halo (HaloExchange): the graph's exchange (rows, counts, communicator).
        codec (Codec): how rows and gradients are encoded.
        ratio (float): compression ratio ``c > 1`` of this call.
        call_seed (int): seed of this call, equal on every rank.
        call_index (int): index of the call within the forward pass (the codec key).

    The halo's ``max_message_bytes`` and ``look_ahead`` apply as in
    :class:`~graphkit.distributed.halo.HaloExchange`. Each peer's payload is encoded
    whole, so the result does not depend on the message size, and then sent in
    messages of at most ``max_message_bytes``
    (:mod:`~graphkit.distributed.compression.messages`).
    """

    def __init__(
        self,
        halo: HaloExchange,
        codec: Codec,
        ratio: float,
        call_seed: int,
        call_index: int,
    ) -> None:
        self.halo, self.codec, self.ratio = halo, codec, ratio
        self.call_seed, self.call_index = call_seed, call_index
        self.comm = halo.comm
        self.rank, self.world_size = halo.rank, halo.world_size
        self.send_rows, self.recv_counts = halo.send_rows, halo.recv_counts
        self._local: list[Tensor] = []
        self._widths: list[int] = []
        # Per tensor of the call: whether the codec encodes it.
        self._compressed: list[bool] = []
        self._received: dict[tuple[int, int], list[Tensor]] = {}

    def peer_order(self) -> list[int]:
        return self.halo.peer_order()

    def _context(self, sender: int, receiver: int, tensor: int) -> CodeContext:
        seed = mix_seed(self.call_seed, sender, receiver)
        return CodeContext(self.ratio, seed, tensor, f"{self.call_index}.{tensor}")

    def _rounds(self) -> list[list[int]]:
        """Round offsets ``k`` grouped by exchange: one group in one-shot mode."""
        offsets = list(range(1, self.world_size))
        if not offsets:
            return []
        return [offsets] if self.halo.one_shot else [[k] for k in offsets]

    # Forward ------------------------------------------------------------------------
    def _encode(self, j: int, rows: Tensor, ctx: CodeContext) -> list[Tensor]:
        if self._compressed[j]:
            return self.codec.encode(rows, ctx)
        return [rows]

    def _buffers(self, rows: int, j: int, ctx: CodeContext, grad: bool) -> list[Tensor]:
        like, width = self._local[j], self._widths[j]
        if not self._compressed[j]:
            return [like.new_empty((rows, width))]
        spec_fn = self.codec.grad_spec if grad else self.codec.payload_spec
        spec = spec_fn(rows, width, ctx)
        return [
            like.new_empty(shape, dtype=dtype or like.dtype) for shape, dtype in spec
        ]

    def _post_fetch(self, offsets: list[int], label: str) -> _Posted:
        sends, recvs, received = {}, {}, {}
        for k in offsets:
            to_peer = (self.rank + k) % self.world_size
            from_peer = (self.rank - k) % self.world_size
            rows = self.send_rows[to_peer]
            sends[to_peer] = [
                part
                for j, flat in enumerate(self._local)
                for part in self._encode(
                    j, gather_rows(flat, rows), self._context(self.rank, to_peer, j)
                )
            ]
            n = self.recv_counts[from_peer]
            received[from_peer] = [
                self._buffers(n, j, self._context(from_peer, self.rank, j), grad=False)
                for j in range(len(self._local))
            ]
            recvs[from_peer] = [t for parts in received[from_peer] for t in parts]
        return _Posted(received, RoundMessages(self.halo, sends, recvs, label)).start()

    def _decode(self, peer: int, payloads: list[list[Tensor]], shapes) -> list[Tensor]:
        rows = []
        n = self.recv_counts[peer]
        for j, payload in enumerate(payloads):
            width = self._widths[j]
            if self._compressed[j]:
                ctx = self._context(peer, self.rank, j)
                if self.codec.needs_payload_for_grad:
                    # NOTE: the payload is kept until the backward pass, also in ``sar``
                    # mode, so a learned codec keeps every compressed halo of a call in memory.
                    self._received[(peer, j)] = payload
                decoded = self.codec.decode(payload, n, width, ctx)
                # Quantized payloads decode to float32, whatever the dtype of the rows.
                decoded = decoded.to(self._local[j].dtype)
            else:
                (decoded,) = payload
            rows.append(decoded.view(n, *shapes[j]))
        return rows

    def fetch(
        self, tensors: list[Tensor], label: str
    ) -> Iterator[tuple[int, list[Tensor]]]:
        """Yield ``(peer, decoded rows)`` in round order, as ``HaloExchange.fetch`` does."""
        tensors = [t.detach() for t in tensors]
        shapes = [t.shape[1:] for t in tensors]
        self._local = [as_matrix(t) for t in tensors]
        self._widths = [flat.size(1) for flat in self._local]
        # Integer rows (node ids, labels) would be corrupted by a lossy code: a
        # projection rounds them to 0, and subsample cannot scale them.
        self._compressed = [
            flat.is_floating_point() and self.codec.applies(width, self.ratio)
            for flat, width in zip(self._local, self._widths)
        ]
        rounds = self._rounds()
        if not rounds:
            yield self.rank, tensors
            return
        look_ahead = self.halo.look_ahead
        ahead = None
        try:
            if look_ahead:
                # The first round travels while the caller aggregates the local block.
                ahead = self._post_fetch(rounds[0], label)
                yield self.rank, tensors
            else:
                yield self.rank, tensors
                ahead = self._post_fetch(rounds[0], label)
            for i in range(len(rounds)):
                posted, ahead = ahead, None
                if look_ahead and i + 1 < len(rounds):
                    ahead = self._post_fetch(rounds[i + 1], label)
                posted.finish()
                for peer in self._peers_of(rounds[i], sign=-1):
                    rows = self._decode(peer, posted.received.pop(peer), shapes)
                    yield peer, self.halo.tracker.hold(rows)
                    del rows
                del posted
                if not look_ahead and i + 1 < len(rounds):
                    ahead = self._post_fetch(rounds[i + 1], label)
        except GeneratorExit:
            # The caller stopped early: finish the round posted ahead, as
            # HaloExchange.fetch does, so the next exchange of the group still works.
            if ahead is not None:
                ahead.finish()
            raise

    def _peers_of(self, offsets: list[int], sign: int) -> list[int]:
        return [(self.rank + sign * k) % self.world_size for k in offsets]

    # Backward -----------------------------------------------------------------------
    def _encode_grads(self, peer: int, grads: list[Tensor]) -> list[Tensor]:
        parts = []
        for j, grad in enumerate(grads):
            flat = as_matrix(grad)
            if self._compressed[j]:
                ctx = self._context(peer, self.rank, j)
                payload = self._received.pop((peer, j), None)
                parts += self.codec.encode_grad(flat, payload, ctx)
            else:
                parts.append(flat)
        return parts

    def _post_return(
        self, sends: dict[int, list[Tensor]], offsets: list[int], label: str
    ):
        recvs, received = {}, {}
        for from_peer in self._peers_of(offsets, sign=1):
            n = self.send_rows[from_peer].numel()
            received[from_peer] = [
                self._buffers(n, j, self._context(self.rank, from_peer, j), grad=True)
                for j in range(len(self._local))
            ]
            recvs[from_peer] = [t for parts in received[from_peer] for t in parts]
        return _Posted(received, RoundMessages(self.halo, sends, recvs, label))

    def _accumulate(self, posted: _Posted, targets: list[Tensor]) -> None:
        """Decode the gradients of a finished round and add them to ``targets``."""
        for peer, payloads in posted.received.items():
            rows = self.send_rows[peer]
            for j, (target, payload) in enumerate(zip(targets, payloads)):
                sent = gather_rows(self._local[j], rows)
                if self._compressed[j]:
                    ctx = self._context(self.rank, peer, j)
                    grad = self.codec.decode_grad(payload, sent, ctx)
                else:
                    (grad,) = payload
                # Use a view, not a copy, so that index_add_ writes the gradient into
                # target itself.
                width = math.prod(target.shape[1:])
                target.view(target.size(0), width).index_add_(
                    0, rows, grad.to(target.dtype)
                )

    def return_grads(
        self,
        grads: Iterable[tuple[int, list[Tensor]]],
        targets: list[Tensor],
        label: str,
    ) -> None:
        """Send each peer the encoded gradient of its rows and add the replies to ``targets``.

        A round's gradients are decoded and added once all its exchanges have finished,
        in round order. With ``look_ahead`` the round's last exchange travels while the
        caller computes the next round's gradients. Without it every exchange finishes
        before the caller continues.
        """
        rounds = iter(self._rounds())
        offsets: list[int] = []
        sends: dict[int, list[Tensor]] = {}
        # Posted exchanges, each with its round when it is the round's last exchange.
        in_flight: deque = deque()
        keep = 1 if self.halo.look_ahead else 0
        for peer, peer_grads in grads:
            if peer == self.rank:
                # A None gradient was already added to targets by the caller.
                for target, grad in zip(targets, peer_grads):
                    if grad is not None:
                        target.add_(grad)
                continue
            if not offsets:
                offsets = next(rounds)
            sends[peer] = self._encode_grads(peer, peer_grads)
            del peer_grads
            if len(sends) < len(offsets):
                continue  # one-shot: wait for every peer's gradient
            posted = self._post_return(sends, offsets, label)
            offsets, sends = [], {}
            messages = posted.messages
            for index in range(messages.count):
                last = index + 1 == messages.count
                in_flight.append((messages.post(index), posted if last else None))
                if len(in_flight) > keep:
                    self._finish_return(in_flight.popleft(), targets)
            messages.release()
            del posted, messages
        while in_flight:
            self._finish_return(in_flight.popleft(), targets)
        self._received.clear()

    def _finish_return(self, entry: tuple, targets: list[Tensor]) -> None:
        pending, posted = entry
        self.comm.wait(pending)
        if posted is not None:
            self._accumulate(posted, targets)
