"""Quantization of each row to 8, 4 or 2 bits with a per-row scale and stochastic rounding.

For a row ``x`` with ``lo = min x`` and step ``s = (max x - lo) / (2^b - 1)``, each value
is sent as the integer

.. math::
    q = \\lfloor (x - lo) / s + u \\rfloor, \\quad u \\sim U[0, 1), \\qquad
    \\hat x = lo + s q,

so ``E[\\hat x] = x`` (stochastic rounding is unbiased) and ``|x - \\hat x| < s`` for
every value. The integers are packed ``8 / b`` to a byte, and ``lo`` and ``s`` travel as
two float32 values per row, so a row of ``F`` values costs ``ceil(F b / 8) + 8`` bytes.
A row that contains a NaN or an infinity decodes to NaN in every column.
Gradients use the straight-through rule (the gradient of ``\\hat x`` is taken as that of
``x``) and are quantized the same way, with an independent random stream.

With a variable-rate schedule, the ratio ``c`` selects the bits: ``b = 32 / c`` rounded
down to 8, 4 or 2 (8 bits for any ``c <= 4``).
"""

from __future__ import annotations

import torch
from graphkit.distributed.compression.codec import (
    Codec,
    CodeContext,
    Spec,
    generator,
    mix_seed,
)
from torch import Tensor

BITS = (8, 4, 2)


def bits_for_ratio(ratio: float) -> int:
    """Return the bits per value for ratio ``c``: ``32 / c`` rounded down to 8, 4 or 2."""
    for bits in BITS:
        if 32 / bits >= ratio * (1 - 1e-9):
            return bits
    return BITS[-1]


def pack(q: Tensor, bits: int) -> Tensor:
    """``[n, F]`` integers below ``2^bits`` -> ``[n, ceil(F bits / 8)]`` uint8."""
    per_byte = 8 // bits
    n, width = q.shape
    padded = -(-width // per_byte) * per_byte
    q = torch.nn.functional.pad(q.to(torch.uint8), (0, padded - width))
    q = q.view(n, padded // per_byte, per_byte)
    out = torch.zeros(n, q.size(1), dtype=torch.uint8, device=q.device)
    for i in range(per_byte):
        out |= q[:, :, i] << (bits * i)
    return out


def unpack(packed: Tensor, bits: int, width: int) -> Tensor:
    """Inverse of :func:`pack`: ``[n, bytes]`` uint8 -> ``[n, width]`` uint8."""
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    parts = [(packed >> (bits * i)) & mask for i in range(per_byte)]
    rows, num_bytes = packed.shape
    return torch.stack(parts, -1).view(rows, num_bytes * per_byte)[:, :width]


class QuantizeCodec(Codec):
    """Stochastic ``b``-bit quantization with per-row scales (see the module docstring)."""

    name = "quantize"

    def payload_spec(self, rows: int, width: int, ctx: CodeContext) -> Spec:
        bits = bits_for_ratio(ctx.ratio)
        return [
            ((rows, -(-width * bits // 8)), torch.uint8),
            ((rows, 2), torch.float32),
        ]

    grad_spec = payload_spec

    def _quantize(self, x: Tensor, bits: int, seed: int) -> list[Tensor]:
        levels = (1 << bits) - 1
        x32 = x.float()
        lo = x32.min(1).values if x32.numel() else x32.new_zeros(x32.size(0))
        hi = x32.max(1).values if x32.numel() else lo
        # The range is formed in float64 because hi - lo overflows float32 for finite
        # rows such as [-3e38, 3e38]. The step itself fits float32 for every such row.
        step = ((hi.double() - lo.double()) / levels).float()
        step = torch.where(step > 0, step, torch.ones_like(step))
        # The noise comes from a CPU generator and is then moved to the rows' device,
        # so one seed gives the same codes on every device.
        noise = torch.rand(x32.shape, generator=generator(seed)).to(x32.device)
        offset = (x32.double() - lo.double()[:, None]) / step.double()[:, None]
        q = torch.floor(offset + noise).clamp_(0, levels)
        return [pack(q, bits), torch.stack([lo, step], 1)]

    def _dequantize(
        self, payload: list[Tensor], width: int, bits: int, dtype
    ) -> Tensor:
        packed, scales = payload
        q = unpack(packed, bits, width).double()
        scales = scales.double()
        # float64 keeps s q finite when the row range exceeds float32 max. The clamp
        # undoes the rounding of the float32 step, which can carry lo + s q past that max.
        limit = torch.finfo(torch.float32).max
        return (scales[:, :1] + scales[:, 1:] * q).clamp_(-limit, limit).to(dtype)

    def encode(self, x: Tensor, ctx: CodeContext) -> list[Tensor]:
        return self._quantize(
            x, bits_for_ratio(ctx.ratio), mix_seed(ctx.seed, ctx.tensor)
        )

    def decode(
        self, payload: list[Tensor], rows: int, width: int, ctx: CodeContext
    ) -> Tensor:
        return self._dequantize(
            payload, width, bits_for_ratio(ctx.ratio), torch.float32
        )

    def encode_grad(
        self, grad: Tensor, payload: list[Tensor] | None, ctx: CodeContext
    ) -> list[Tensor]:
        seed = mix_seed(ctx.seed, ctx.tensor, 1)
        return self._quantize(grad, bits_for_ratio(ctx.ratio), seed)

    def decode_grad(
        self, grad_payload: list[Tensor], x: Tensor, ctx: CodeContext
    ) -> Tensor:
        return self._dequantize(
            grad_payload, x.size(1), bits_for_ratio(ctx.ratio), x.dtype
        )
