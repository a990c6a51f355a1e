"""Sending a random subset of the boundary rows, rescaled so the result is unbiased.

Of the ``n`` rows an owner sends to one peer, a uniformly random subset ``K`` of
``k = ceil(n / c)`` rows travels; the receiver puts them back at their positions and
fills the others with zeros:

.. math::
    \\hat x_i = \\frac{n}{k} x_i \\, [i \\in K] .

Each row is kept with probability ``k / n``, so ``E[\\hat x] = x``. Sender and
receiver draw ``K`` from the transfer's shared seed, so no indices travel, and all
tensors of one aggregation call (GAT's values and scores) keep the same rows. The map is
linear, so the gradient of the code is ``(n / k) g_K`` (``k`` rows) and the owner adds
it to the rows in ``K``.

NOTE: unbiasedness carries over to sum, mean and GCN aggregation; max/min and attention
see zero rows in place of the dropped ones.
"""

from __future__ import annotations

import math

import torch
from graphkit.distributed.compression.codec import Codec, CodeContext, Spec, generator
from torch import Tensor


def kept_rows(rows: int, ratio: float, seed: int) -> Tensor:
    """Sorted indices of the ``ceil(rows / ratio)`` rows kept, drawn from ``seed``."""
    k = min(rows, math.ceil(rows / ratio - 1e-9))
    return torch.randperm(rows, generator=generator(seed))[:k].sort().values


class SubsampleCodec(Codec):
    """Sends a random ``1 / c`` of the rows, scaled by ``n / k`` (see the module docstring).

    Rows are dropped whole, so tensors of any width are compressed (``min_width`` 1).
    """

    name = "subsample"

    def __init__(self, min_width: int = 1) -> None:
        super().__init__(min_width)

    def payload_spec(self, rows: int, width: int, ctx: CodeContext) -> Spec:
        k = kept_rows(rows, ctx.ratio, ctx.seed).numel()
        return [((k, width), None)]

    grad_spec = payload_spec

    def encode(self, x: Tensor, ctx: CodeContext) -> list[Tensor]:
        return [x[kept_rows(x.size(0), ctx.ratio, ctx.seed)]]

    def decode(
        self, payload: list[Tensor], rows: int, width: int, ctx: CodeContext
    ) -> Tensor:
        (z,) = payload
        index = kept_rows(rows, ctx.ratio, ctx.seed)
        out = z.new_zeros(rows, width)
        if index.numel():
            out[index] = z * (rows / index.numel())
        return out

    def encode_grad(
        self, grad: Tensor, payload: list[Tensor] | None, ctx: CodeContext
    ) -> list[Tensor]:
        index = kept_rows(grad.size(0), ctx.ratio, ctx.seed)
        scale = grad.size(0) / max(1, index.numel())
        return [grad[index] * scale]

    def decode_grad(
        self, grad_payload: list[Tensor], x: Tensor, ctx: CodeContext
    ) -> Tensor:
        (grad_z,) = grad_payload
        out = torch.zeros_like(x)
        out[kept_rows(x.size(0), ctx.ratio, ctx.seed)] = grad_z
        return out
