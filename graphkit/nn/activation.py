"""ReLU followed by dropout, keeping one tensor for the backward pass instead of three.

``y = relu(x) * m / (1 - p)`` with ``m ~ Bernoulli(1 - p)`` per element. Written as
``F.dropout(F.relu(x))``, autograd keeps the ReLU output, the scaled dropout mask and,
in the next layer, ``y`` itself: three tensors of the activation's size per hidden
layer. Because ``y > 0`` exactly where ``x > 0`` and the element was kept,

    dL/dx = dL/dy * 1[y > 0] / (1 - p),

so ``y`` alone is enough, and the next layer keeps ``y`` anyway. On the CPU the mask
has the values that ``torch.nn.functional.dropout`` draws (see
:func:`graphkit.nn.bernoulli_noise.dropout_noise`), so outputs and gradients equal the
unfused pair bitwise for the same random state.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from graphkit.nn.bernoulli_noise import dropout_noise


class _ReLUDropout(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor, p: float) -> Tensor:
        noise = dropout_noise(x, p)
        # Every kept element of the noise equals the same scale 1 / (1 - p) as rounded in
        # x's dtype. The backward pass multiplies by that stored value, not a new one.
        scale = noise.max()
        out = F.relu(x).mul_(noise)
        del noise
        ctx.save_for_backward(out, scale)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor) -> tuple[Tensor, None]:
        out, scale = ctx.saved_tensors
        return (grad * scale).masked_fill_(out <= 0, 0), None


def relu_dropout(x: Tensor, p: float, training: bool) -> Tensor:
    """Return ``F.dropout(F.relu(x), p, training)``, saving only the output for backward."""
    if not training or p == 0 or not 0 < p < 1 or x.numel() == 0:
        return F.dropout(F.relu(x), p, training)
    if not torch.is_grad_enabled() or not x.requires_grad:
        return F.dropout(F.relu(x), p, training)
    return _ReLUDropout.apply(x, p)
