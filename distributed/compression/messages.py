"""The messages of one round of a compressed exchange, whole or in row chunks.

A payload is a list of tensors whose first dimension counts rows, and its tensors may
have different row counts (a subsampled code next to raw node ids). Without a message
limit, or in ``one-shot`` mode, a round is one exchange of whole payloads. With
``max_message_bytes`` a round has one peer in each direction, and exchange ``c`` carries
rows ``[c s, (c + 1) s)`` of every tensor sent and of every buffer receiving, where

.. math::
    s = \\max\\bigl(1, \\lfloor \\mathrm{max\\_message\\_bytes} / b \\rfloor\\bigr)

and ``b`` is the bytes of one row of every tensor together. ``s`` is raised where a
round would otherwise take more than :data:`~graphkit.distributed.comm.MAX_CHUNKS`
exchanges. A message then contains at most ``max_message_bytes``, or one row of each
tensor. Sender and receiver derive ``s`` from the same payload shapes, so both post the
same exchanges. Every exchange posts its send and its receive together, because torch's
nccl backend runs a device's batched groups in posting order and nccl ignores tags. A
receive posted alone ahead of the send that the peer waits for would wait forever.
"""

from __future__ import annotations

import math

from torch import Tensor

from graphkit.distributed.comm import PendingExchange
from graphkit.distributed.halo import HaloExchange, rows_per_message


class RoundMessages:
    """The exchanges of one round: ``sends[peer]`` out, ``recvs[peer]`` in.

    Args:
        halo (HaloExchange): the graph's exchange (communicator, mode, message limit).
        sends (dict[int, list[Tensor]]): per peer, the payload tensors to send.
        recvs (dict[int, list[Tensor]]): per peer, the buffers to receive into.
        label (str): name under which the bytes are counted.
    """

    def __init__(
        self,
        halo: HaloExchange,
        sends: dict[int, list[Tensor]],
        recvs: dict[int, list[Tensor]],
        label: str,
    ) -> None:
        self.comm, self.sends, self.recvs, self.label = halo.comm, sends, recvs, label
        self.limit = None if halo.one_shot else halo.max_message_bytes
        if self.limit is None:
            self.count = 1
            return
        if len(sends) > 1 or len(recvs) > 1:
            raise ValueError(
                f"{label}: a round split into messages has one peer each way, got "
                f"sends to {sorted(sends)} and receives from {sorted(recvs)}"
            )
        self.send_step, send_chunks = self._split(sends)
        self.recv_step, recv_chunks = self._split(recvs)
        # At least one exchange, so that every round has a last exchange to finish.
        self.count = max(1, send_chunks, recv_chunks)
        self.base = self.comm.next_round()

    def _split(self, table: dict[int, list[Tensor]]) -> tuple[int, int]:
        """Return the rows per message and the number of messages of one direction."""
        tensors = [t for parts in table.values() for t in parts]
        count = max((t.size(0) for t in tensors), default=0)
        row_bytes = sum(math.prod(t.shape[1:]) * t.element_size() for t in tensors)
        step = rows_per_message(self.limit, count, row_bytes)
        return step, math.ceil(count / step)

    def post(self, index: int) -> PendingExchange:
        """Post exchange ``index`` of the round (``0 <= index < count``) without waiting."""
        if self.limit is None:
            return self.comm.start(self.sends, self.recvs, self.label)
        sends = _rows(self.sends, index, self.send_step)
        recvs = _rows(self.recvs, index, self.recv_step)
        tag = self.comm.chunk_tag(self.base, index)
        return self.comm.start(sends, recvs, self.label, tag=tag)

    def release(self) -> None:
        """Drop the references to the payloads once every exchange is posted."""
        self.sends = self.recvs = {}


def _rows(
    table: dict[int, list[Tensor]], index: int, step: int
) -> dict[int, list[Tensor]]:
    """Rows ``[index * step, (index + 1) * step)`` of every tensor, as views."""
    start = index * step
    return {
        peer: [t[start : start + step] for t in parts]
        for peer, parts in table.items()
        if any(t.size(0) > start for t in parts)
    }
