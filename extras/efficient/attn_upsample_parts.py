"""Shared pieces of the attention upsamplers: guide checks, windows, projections, priors.

``AttentionUpsample2x`` and ``DynamicTapsUpsample2x`` both check their guide with
``_check_high_resolution`` and build their queries and keys with ``_projection``.
``DynamicTapsUpsample2x`` gathers its window of low-resolution neighbors with ``_unfold``.
Both derive their initial position logits from the weights of 2x bilinear upsampling:
``AttentionUpsample2x`` from ``bilinear_weights`` when ``bilinear_prior`` is set, and
``DynamicTapsUpsample2x`` from ``peaked_prior``.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def _check_high_resolution(
    name: str, high: torch.Tensor | None, x: torch.Tensor
) -> None:
    """Raise a ValueError unless ``high`` is None or has x's batch and twice its sides.

    A guide of another size but the same number of elements would otherwise be
    reshaped into the wrong output pixels without an error.
    """
    if high is None:
        return
    b, _, h, w = x.shape
    if (
        high.dim() != 4
        or high.shape[0] != b
        or tuple(high.shape[-2:]) != (2 * h, 2 * w)
    ):
        raise ValueError(
            f"{name} has shape {tuple(high.shape)}, but input x of shape "
            f"{tuple(x.shape)} needs a {name} of shape ({b}, channels, {2 * h}, "
            f"{2 * w}). Pass the high-resolution {name} at twice x's height and width."
        )


def _unfold(x: torch.Tensor, window: int) -> torch.Tensor:
    """Return the ``window`` x ``window`` neighbors of each pixel (zero outside).

    Shapes: ``x`` is ``(B, C, H, W)``. The result is ``(B, C * window^2, H * W)``.
    """
    return nn.functional.unfold(x, window, padding=window // 2)


def peaked_prior(window: int, heads: int) -> torch.Tensor:
    """Return position logits with head ``h`` peaked on one bilinear neighbor per phase.

    Head ``h`` gets logit 0 on the ``(h mod 4)``-th neighbor of each phase in order of
    decreasing bilinear weight (ties in window order) and ``log(0.01)`` elsewhere.

    Shapes:
        return: ``(heads, 4, window * window)``.
    """
    weights = bilinear_weights(window)
    # A stable sort keeps window order among the two neighbors of weight 3/16.
    order = weights.argsort(dim=1, descending=True, stable=True)
    prior = torch.full((heads, 4, window * window), math.log(1e-2))
    for head in range(heads):
        prior[head, torch.arange(4), order[:, head % 4]] = 0.0
    return prior


def _projection(
    channels: int, context_kernel: int, out_channels: int | None = None
) -> nn.Module:
    """Build a 1x1 projection to ``out_channels`` (default ``channels``).

    A depthwise convolution comes first when ``context_kernel > 1``.
    """
    pointwise = nn.Conv2d(channels, out_channels or channels, 1, bias=False)
    if context_kernel == 1:
        return pointwise
    depthwise = nn.Conv2d(
        channels,
        channels,
        context_kernel,
        padding=context_kernel // 2,
        groups=channels,
        bias=False,
    )
    # Start the depthwise kernel at the identity, so that the initial projection is 1x1.
    with torch.no_grad():
        depthwise.weight.zero_()
        depthwise.weight[:, :, context_kernel // 2, context_kernel // 2] = 1.0
    return nn.Sequential(depthwise, pointwise)


def bilinear_weights(window: int) -> torch.Tensor:
    """Return the weights of 2x bilinear upsampling over the ``window`` x ``window``
    low-resolution neighbors of each output phase.

    Shapes:
        return: ``(4, window * window)``, phase ``2 a + b`` first.
    """
    offsets = torch.arange(window) - window // 2
    rows = []
    for phase in (0, 1):
        # Output row 2i + phase lies 0.25 low-resolution pixels above (phase 0) or below
        # (phase 1) the centre of row i.
        side = -1 if phase == 0 else 1
        rows.append(0.75 * (offsets == 0).float() + 0.25 * (offsets == side).float())
    weights = [torch.outer(rows[a], rows[b]).flatten() for a in (0, 1) for b in (0, 1)]
    return torch.stack(weights)
