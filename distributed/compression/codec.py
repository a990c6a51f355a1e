"""The codec interface for compressed halo exchange, and the context of one transfer.

A codec turns the ``[n, F]`` rows that an owner sends to one peer into a *payload*, a
list of tensors put on the wire, and turns the payload back into ``[n, F]`` rows on the
receiver. In the backward pass the receiver maps the gradient of the decoded rows to a
gradient payload, which the owner maps back to a gradient of the rows it sent.

Both sides must allocate receive buffers before anything arrives, so every payload
shape is a function of ``(rows, width, context)`` alone (:meth:`Codec.payload_spec`,
:meth:`Codec.grad_spec`). The first dimension of every payload tensor counts rows (a
codec may send fewer rows than it encodes), because a message limit splits payloads by
rows (:mod:`~graphkit.distributed.compression.messages`). Randomness comes from ``context.seed``, which sender and
receiver derive identically, so no indices or random matrices travel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from graphkit.whole_numbers import require_whole_number

# Payload tensors as (shape, dtype); dtype None means the dtype of the rows sent.
Spec = list[tuple[tuple[int, ...], torch.dtype | None]]


@dataclass(frozen=True)
class CodeContext:
    """Values that sender and receiver share for one tensor of one transfer.

    Attributes:
        ratio: the current compression ratio ``c > 1``.
        seed: random seed of this (call, sender, receiver) transfer; codecs that need
            a different stream per tensor mix in ``tensor``.
        tensor: index of the tensor within the aggregation call (GAT sends two).
        key: identifies the aggregation call and tensor within one forward pass,
            ``"<call>.<tensor>"``; learned codecs keep one set of weights per key.
    """

    ratio: float
    seed: int
    tensor: int
    key: str


def mix_seed(*parts: int) -> int:
    """Combine integers into a 62-bit seed.

    Python hashes a tuple of ints identically in every process (hash randomization only
    affects str and bytes), so all ranks derive the same seed.
    """
    return hash(tuple(int(p) for p in parts)) & ((1 << 62) - 1)


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def reduced_width(width: int, ratio: float) -> int:
    """Return the code width of the linear codecs, ``ceil(width / ratio)`` and at least 1."""
    return max(1, math.ceil(width / ratio - 1e-9))


class Codec:
    """Base class: subclasses define the payload of rows and of their gradients.

    Args:
        min_width (int): tensors with fewer columns are sent uncompressed (attention
            scores, logits of a few classes). (default: ``16``)
    """

    name = "codec"
    #: Whether :meth:`encode_grad` reads the received payload (then it is kept).
    needs_payload_for_grad = False

    def __init__(self, min_width: int = 16) -> None:
        # TrainConfig rejects such a compression_min_width too. A width below 1
        # would compress tensors of zero columns.
        self.min_width = require_whole_number(
            min_width,
            f"min_width={min_width!r} is invalid for {type(self).__name__}. Pass a "
            "whole number of columns >= 1, such as 16",
            minimum=1,
        )

    def applies(self, width: int, ratio: float) -> bool:
        """Return whether a tensor of ``width`` columns is compressed at ``ratio``."""
        return ratio > 1 and width >= self.min_width

    # Forward: owner encodes, receiver decodes ----------------------------------------
    def payload_spec(self, rows: int, width: int, ctx: CodeContext) -> Spec:
        raise NotImplementedError

    def encode(self, x: Tensor, ctx: CodeContext) -> list[Tensor]:
        raise NotImplementedError

    def decode(
        self, payload: list[Tensor], rows: int, width: int, ctx: CodeContext
    ) -> Tensor:
        raise NotImplementedError

    # Backward: receiver encodes the gradient, owner maps it to row gradients ---------
    def grad_spec(self, rows: int, width: int, ctx: CodeContext) -> Spec:
        raise NotImplementedError

    def encode_grad(
        self, grad: Tensor, payload: list[Tensor] | None, ctx: CodeContext
    ) -> list[Tensor]:
        raise NotImplementedError

    def decode_grad(
        self, grad_payload: list[Tensor], x: Tensor, ctx: CodeContext
    ) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(min_width={self.min_width})"
