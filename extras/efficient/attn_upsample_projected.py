"""Attention-based 2x upsampling, the default (``form="projected"``) operator.

Kundu, Mostafa, Sridhar and Sundaresan, "Attention-based Image Upsampling"
(arXiv:2012.09904). A stride-2 transposed convolution inserts zeros between the
low-resolution pixels and convolves with one fixed kernel. Attention-based upsampling
keeps the "gather from nearby low-resolution pixels" structure but makes the kernel
content dependent. For the output pixel ``p = (2i + a, 2j + b)`` (phase ``(a, b)``) and
the 3x3 low-resolution neighbors ``n = (i + d_i, j + d_j)``:

.. math::
    y(p) = \\sum_n \\operatorname{softmax}_n\\big(q(p)^T (k(n) + r_{ab}(n))/\\sqrt{d}\\big)\\, v(n)

with ``k = W_K x`` and ``v = W_V x`` from the low-resolution features. The query
``q = W_Q x~`` comes from a bilinear upsampling ``x~`` of them, or from a
high-resolution guide image in the joint-upsampling form. ``r`` are learned
relative-position embeddings per phase and neighbor. Several heads split the channels,
and a 1x1 projection mixes their outputs.
Neighbors outside the image are masked out of the softmax. The experiment's default
also adds a learned logit per head, phase and neighbor that starts at the log of the
bilinear weights, a learned temperature per head, one output projection per phase (as a
transposed convolution has one set of taps per phase), the bilinear upsampling of
the input as a residual, and a 5x5 depthwise convolution before the query and key
projections.

NOTE: the neighborhood (the 3x3 low-resolution pixels around ``(i, j)`` for every phase)
and the query from a bilinear upsampling are this implementation's reading of the
operator; the paper's exact window may differ.
"""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient.attn_upsample_parts import (
    _check_high_resolution,
    _projection,
    bilinear_weights,
)
from torch import nn


class AttentionUpsample2x(nn.Module):
    """2x attention upsampling over a window of low-resolution neighbors.

    Args:
        channels (int): input and output channels ``C``.
        heads (int, default 2): attention heads. Queries and keys have ``C / heads``
            channels per head.
        position_bias (bool, default False): add a learned logit per head, output phase
            and neighbor.
        window (int, default 3): odd side of the low-resolution neighborhood.
        temperature (bool, default False): multiply each head's logits by a learned
            ``exp(tau_h)``, starting at 1.
        residual (bool, default False): add the bilinear upsampling of ``x`` to the output.
        phase_output (bool, default False): use a separate output projection for each of
            the four output phases, as the kernel of a stride-2 transposed convolution
            has a separate tap per phase.
        value_channels (int, optional): value channels per head (default ``C / heads``).
        bilinear_prior (bool, default False): start the position bias at the log of the
            bilinear weights (floored at 0.01), so that attention starts close to bilinear
            interpolation. Needs ``position_bias``.
        context_kernel (int, default 1): odd side of a depthwise convolution applied
            before the 1x1 query and key projections, so that queries and keys see a
            ``context_kernel`` x ``context_kernel`` neighborhood (1: no such convolution).

    Shapes:
        x: ``(B, C, H, W)``; guide (optional): ``(B, C, 2H, 2W)`` query source;
        return: ``(B, C, 2H, 2W)``.
    """

    def __init__(
        self,
        channels: int,
        heads: int = 2,
        position_bias: bool = False,
        window: int = 3,
        temperature: bool = False,
        residual: bool = False,
        phase_output: bool = False,
        value_channels: int | None = None,
        bilinear_prior: bool = False,
        context_kernel: int = 1,
    ) -> None:
        super().__init__()
        _check_options(
            channels, heads, window, position_bias, bilinear_prior, context_kernel
        )
        self.window, self.neighbors = window, window * window
        self.heads, self.head_dim = heads, channels // heads
        self.value_dim = value_channels or self.head_dim
        self.residual = residual
        value_width = heads * self.value_dim
        self.query = _projection(channels, context_kernel)
        self.key = _projection(channels, context_kernel)
        self.value = nn.Conv2d(channels, value_width, 1, bias=False)
        # Mixes the heads' outputs, as the output projection of multi-head attention does.
        # With phase_output, each output phase has its own (C, heads * value_channels) one.
        self.output = (
            None if phase_output else nn.Conv2d(value_width, channels, 1, bias=False)
        )
        self.phase_output = (
            nn.Parameter(torch.randn(4, channels, value_width) / math.sqrt(value_width))
            if phase_output
            else None
        )
        self.log_temperature = nn.Parameter(torch.zeros(heads)) if temperature else None
        # r[phase, neighbor, channel]: 4 output phases x window^2 low-resolution neighbors.
        self.relative = nn.Parameter(torch.zeros(4, self.neighbors, channels))
        # Optional content-independent logit per head, phase and neighbor: a learned
        # interpolation prior that the content term then adapts.
        self.position_bias = (
            nn.Parameter(torch.zeros(heads, 4, self.neighbors))
            if position_bias
            else None
        )
        if bilinear_prior:
            prior = bilinear_weights(window).clamp_min(1e-2).log()
            with torch.no_grad():
                self.position_bias.copy_(prior.expand(heads, -1, -1))

    def forward(
        self, x: torch.Tensor, guide: torch.Tensor | None = None
    ) -> torch.Tensor:
        b, _, h, w = x.shape
        bilinear = nn.functional.interpolate(
            x, scale_factor=2, mode="bilinear", align_corners=False
        )
        _check_high_resolution("guide", guide, x)
        source = bilinear if guide is None else guide
        heads, dim, neighbors = self.heads, self.head_dim, self.neighbors
        # Broadcast products and sums over the small axes replace batched products of
        # 4 x d by d x window^2 matrices, because they ran about twice as fast on a CPU.
        # NOTE: that speedup is an estimate. A single-thread timing of the q-k product
        # alone showed no clear difference.
        # q: (B, heads, d, 4, 1, H, W). Axis 3 is the phase 2a + b of output pixel
        # (2i + a, 2j + b).
        q = self.query(source).reshape(b, heads, dim, h, 2, w, 2)
        q = q.permute(0, 1, 2, 4, 6, 3, 5).reshape(b, heads, dim, 4, 1, h, w)
        k = self._neighbors(self.key(x), dim)  # (B, heads, d, 1, window^2, H, W)
        v = self._neighbors(self.value(x), self.value_dim)
        # r[phase, neighbor, channel] -> (heads, d, 4, window^2, 1, 1)
        r = self.relative.reshape(4, neighbors, heads, dim).permute(2, 3, 0, 1)
        logits = (q * (k + r[..., None, None])).sum(2)  # (B, heads, 4, window^2, H, W)
        # In the logits' dtype, so that a bfloat16 or float16 layer stays in it.
        scale = torch.full(
            (heads,), 1.0 / math.sqrt(dim), device=x.device, dtype=logits.dtype
        )
        if self.log_temperature is not None:
            scale = scale * self.log_temperature.exp()
        logits = logits * scale[:, None, None, None, None]
        if self.position_bias is not None:
            logits = logits + self.position_bias[..., None, None]
        valid = self._valid_neighbors(h, w, x.device)  # (window^2, H, W)
        logits = logits.masked_fill(~valid, float("-inf"))
        attention = logits.softmax(dim=3)
        out = (attention[:, :, None] * v).sum(4)  # (B, heads, value_dim, 4, H, W)
        out = out.reshape(b, heads * self.value_dim, 4, h, w)
        if self.phase_output is not None:
            out = torch.einsum("poc,bcphw->bophw", self.phase_output, out)
        out = out.reshape(b, -1, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
        out = out.reshape(b, -1, 2 * h, 2 * w)
        if self.output is not None:
            out = self.output(out)
        return out + bilinear if self.residual else out

    def _neighbors(self, x: torch.Tensor, dim: int) -> torch.Tensor:
        """Unfold the window of each low-resolution pixel.

        Shapes: ``x`` is ``(B, heads * dim, H, W)`` and the result is
        ``(B, heads, dim, 1, window^2, H, W)``.
        """
        b, _, h, w = x.shape
        patches = nn.functional.unfold(x, self.window, padding=self.window // 2)
        return patches.reshape(b, self.heads, dim, 1, self.neighbors, h, w)

    def _valid_neighbors(self, h: int, w: int, device: torch.device) -> torch.Tensor:
        """Return a ``(window^2, H, W)`` mask, true where a window position is inside
        the image."""
        ones = torch.ones(1, 1, h, w, device=device)
        counts = nn.functional.unfold(ones, self.window, padding=self.window // 2)
        return counts.reshape(self.neighbors, h, w) > 0


def _check_options(
    channels: int,
    heads: int,
    window: int,
    position_bias: bool,
    bilinear_prior: bool,
    context_kernel: int,
) -> None:
    """Raise ValueError for options that ``AttentionUpsample2x`` cannot build."""
    if heads < 1:
        raise ValueError(f"invalid heads={heads}: use a positive number such as 8")
    if channels % heads:
        raise ValueError(f"channels={channels} must be a multiple of heads={heads}")
    if window < 1 or window % 2 == 0:
        raise ValueError(
            f"invalid window={window}: use a positive odd number such as 3"
        )
    if bilinear_prior and not position_bias:
        raise ValueError(
            "bilinear_prior=True requires position_bias=True: "
            "set position_bias=True or bilinear_prior=False"
        )
    if context_kernel < 1 or context_kernel % 2 == 0:
        raise ValueError(
            f"invalid context_kernel={context_kernel}: "
            "use a positive odd number such as 1 or 5"
        )
