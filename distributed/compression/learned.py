"""A learned linear encoder and decoder per aggregation call, trained with the model.

For each aggregation call of a forward pass (and each tensor it sends) the codec keeps
an encoder ``W_e`` and a decoder ``W_d``, both ``[F, F]``. At ratio ``c`` only the
leading ``k = ceil(F / c)`` code dimensions are used, so one pair of matrices serves
every ratio of a variable-rate schedule:

.. math::
    z = x W_e[:, :k] \\quad (\\text{sent}), \\qquad \\hat x = z W_d[:k, :] .

Both start as a random orthogonal matrix and its transpose, so before training the
codec equals :class:`~graphkit.distributed.compression.projection.RandomProjectionCodec`
with a fixed ``P``; the round-trip error is then at most ``||x||`` per row. In the
backward pass the receiver sends ``g_z = g W_d[:k]^T`` (``k`` columns) and adds
``z^T g`` to the gradient of ``W_d``; the owner maps ``g_z`` to ``g_z W_e[:, :k]^T`` and
adds ``x^T g_z`` to the gradient of ``W_e``. These gradients are written into
``.grad`` directly, so the parameters must be in the optimizer and their gradients
summed over ranks like the model's (the trainer adds the codec to the model as a
submodule, which does both).
"""

from __future__ import annotations

import torch
from graphkit.distributed.compression.codec import (
    Codec,
    CodeContext,
    Spec,
    mix_seed,
    reduced_width,
)
from graphkit.distributed.compression.projection import random_orthonormal
from torch import Tensor, nn


class LearnedCodec(Codec, nn.Module):
    """Learned linear encoder/decoder per aggregation call (see the module docstring).

    Args:
        seed (int): seed of the initial orthogonal matrices. (default: ``0``)
        min_width (int): narrower tensors are sent uncompressed. (default: ``16``)

    Weights are created on first use of a key, which must happen before the optimizer
    is built (see :meth:`~graphkit.distributed.compression.control.Compression.attach`);
    :meth:`freeze` turns later new keys into an error.
    """

    name = "learned"
    needs_payload_for_grad = True

    def __init__(self, seed: int = 0, min_width: int = 16) -> None:
        nn.Module.__init__(self)
        Codec.__init__(self, min_width)
        self.seed = seed
        self.encoders = nn.ParameterDict()
        self.decoders = nn.ParameterDict()
        self.frozen = False

    def freeze(self) -> None:
        self.frozen = True

    def weights(
        self, key: str, width: int, device: torch.device | None = None
    ) -> tuple[nn.Parameter, nn.Parameter]:
        """``(W_e, W_d)`` of ``key``, created with a seeded orthogonal start if missing.

        New weights are drawn on the CPU and placed on ``device`` (default: the CPU),
        the device of the rows that first use them.
        """
        name = key.replace(".", "_")
        if name not in self.encoders:
            if self.frozen:
                raise KeyError(
                    f"learned codec has no weights for aggregation call {key}: the "
                    "model makes more aggregation calls per forward pass than when the "
                    "codec was attached; attach it again to this model"
                )
            q = random_orthonormal(
                width, width, mix_seed(self.seed, *map(int, key.split(".")))
            ).to(device)
            self.encoders[name] = nn.Parameter(q.clone())
            self.decoders[name] = nn.Parameter(q.T.clone())
        enc, dec = self.encoders[name], self.decoders[name]
        if enc.size(0) != width:
            raise ValueError(
                f"learned codec weights of call {key} are for width {enc.size(0)}, "
                f"but the tensor sent has width {width}"
            )
        return enc, dec

    def payload_spec(self, rows: int, width: int, ctx: CodeContext) -> Spec:
        return [((rows, reduced_width(width, ctx.ratio)), None)]

    grad_spec = payload_spec

    def encode(self, x: Tensor, ctx: CodeContext) -> list[Tensor]:
        enc, _ = self.weights(ctx.key, x.size(1), x.device)
        k = reduced_width(x.size(1), ctx.ratio)
        return [x @ enc.detach()[:, :k].to(x.dtype)]

    def decode(
        self, payload: list[Tensor], rows: int, width: int, ctx: CodeContext
    ) -> Tensor:
        _, dec = self.weights(ctx.key, width, payload[0].device)
        (z,) = payload
        return z @ dec.detach()[: z.size(1)].to(z.dtype)

    def encode_grad(
        self, grad: Tensor, payload: list[Tensor] | None, ctx: CodeContext
    ) -> list[Tensor]:
        _, dec = self.weights(ctx.key, grad.size(1), grad.device)
        (z,) = payload
        k = z.size(1)
        grad_dec = torch.zeros_like(dec)
        grad_dec[:k] = (z.T @ grad).to(dec.dtype)
        _accumulate(dec, grad_dec)
        return [grad @ dec.detach()[:k].T.to(grad.dtype)]

    def decode_grad(
        self, grad_payload: list[Tensor], x: Tensor, ctx: CodeContext
    ) -> Tensor:
        enc, _ = self.weights(ctx.key, x.size(1), x.device)
        (grad_z,) = grad_payload
        k = grad_z.size(1)
        grad_enc = torch.zeros_like(enc)
        grad_enc[:, :k] = (x.T @ grad_z).to(enc.dtype)
        _accumulate(enc, grad_enc)
        return grad_z @ enc.detach()[:, :k].T.to(grad_z.dtype)

    def extra_repr(self) -> str:
        return (
            f"seed={self.seed}, min_width={self.min_width}, calls={len(self.encoders)}"
        )

    __repr__ = nn.Module.__repr__


def _accumulate(param: nn.Parameter, grad: Tensor) -> None:
    """Add to ``param.grad`` as autograd would (create it when missing)."""
    if param.grad is None:
        param.grad = grad
    else:
        param.grad.add_(grad)
