"""Attention-based 2x upsampling with full-width values (``form="taps"``).

``DynamicTapsUpsample2x``, the second form next to ``AttentionUpsample2x``, keeps the
full-width features as values and gives each (phase, head) pair its own output matrix,
so that a 4x4 stride-2 transposed convolution is the special case of 4 heads with
one-hot attention. It scored below the default form on the validation picture
(docs/extras.md lists the numbers), so ``form="projected"`` stays the default.
"""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient.attn_upsample_parts import (
    _check_high_resolution,
    _projection,
    _unfold,
    peaked_prior,
)
from torch import nn


class DynamicTapsUpsample2x(nn.Module):
    """2x attention upsampling with one attention map per head over full-width values.

    Each head ``h`` attends over the low-resolution window with its own small query and
    key. The value is the whole ``C``-channel feature ``x(n)`` (no value projection).
    Every (phase, head) pair has a full ``C x C`` output matrix. For output pixel ``p``
    of phase ``(a, b)``:

    .. math::
        a_{h}(p, n) = \\operatorname{softmax}_n\\big(q_h(p)^T k_h(n) / \\sqrt{d}
            + \\beta_{h,ab}(n)\\big), \\qquad
        y(p) = \\sum_h W_{ab,h} \\sum_n a_h(p, n)\\, x(n) + c

    with ``q_h = W_Q^h x~`` from the bilinear upsampling ``x~`` (or a guide image),
    ``k_h = W_K^h x``, a learned logit ``beta`` per head, phase and neighbor and an output
    bias ``c``. A stride-2 transposed convolution with a 4x4 kernel is the special case
    of 4 heads whose attention is one-hot on the 4 bilinear neighbors of each phase
    (``W_{ab,h}`` is then the kernel tap that links that neighbor to phase ``(a, b)``).
    With ``shared_output`` the matrices ``W_h`` are shared by the four phases and only
    the attention depends on the phase. ``beta`` starts with head ``h`` peaked on the
    ``h``-th strongest bilinear neighbor of each phase (``h`` modulo 4), so training
    starts near a transposed convolution.

    Args:
        channels (int): input and output channels ``C``.
        heads (int, default 3): attention heads ``H``.
        key_dim (int, default 4): query and key channels ``d`` per head.
        window (int, default 3): odd side of the low-resolution neighborhood.
        shared_output (bool, default False): one ``C x C`` matrix per head for all
            phases instead of one per phase and head.
        context_kernel (int, default 1): odd side of a depthwise convolution before the
            query and key projections (1: none).
        temperature (bool, default False): multiply each head's content logits by a
            learned ``exp(tau_h)``, starting at 1.
        residual (bool, default False): add the bilinear upsampling of ``x``.
        value_channels (int, optional): if given, the values are one 1x1 projection
            of ``x`` to this many channels shared by all heads (and ``W`` is
            ``C x value_channels``), in place of ``x`` itself.
        image_query (int, default 0): if not 0, the odd side of a convolution of a
            high-resolution one-channel guide image (``image`` in ``forward``) whose
            output is added to the queries, as in joint image upsampling.

    Shapes:
        x: ``(B, C, H, W)``.
        guide (optional): ``(B, C, 2H, 2W)`` query source.
        image (required with ``image_query``): ``(B, 1, 2H, 2W)``.
        return: ``(B, C, 2H, 2W)``.
    """

    def __init__(
        self,
        channels: int,
        heads: int = 3,
        key_dim: int = 4,
        window: int = 3,
        shared_output: bool = False,
        context_kernel: int = 1,
        temperature: bool = False,
        residual: bool = False,
        value_channels: int | None = None,
        image_query: int = 0,
    ) -> None:
        super().__init__()
        _check_options(heads, key_dim, window, context_kernel, image_query)

        self.heads, self.key_dim = heads, key_dim
        self.window, self.neighbors = window, window * window
        self.residual = residual
        self.query = _projection(channels, context_kernel, heads * key_dim)
        self.key = _projection(channels, context_kernel, heads * key_dim)

        width = value_channels or channels
        # One value projection shared by all heads, or the features themselves.
        self.value = (
            nn.Conv2d(channels, width, 1, bias=False) if value_channels else None
        )
        # Initialize uniformly in +-1/sqrt(fan-in) because each output sums
        # heads x width terms.
        bound = 1.0 / math.sqrt(heads * width)
        shape = (
            (heads, channels, width) if shared_output else (4, heads, channels, width)
        )
        self.taps = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.log_temperature = nn.Parameter(torch.zeros(heads)) if temperature else None
        self.position_bias = nn.Parameter(peaked_prior(window, heads))

        # Joint-upsampling guide: a convolution of a high-resolution one-channel image
        # added to the queries. It starts at zero, so the guide enters through training.
        self.image_query = None
        if image_query:
            self.image_query = nn.Conv2d(
                1, heads * key_dim, image_query, padding=image_query // 2, bias=False
            )
            nn.init.zeros_(self.image_query.weight)

    def forward(
        self,
        x: torch.Tensor,
        guide: torch.Tensor | None = None,
        image: torch.Tensor | None = None,
    ) -> torch.Tensor:
        b, c, h, w = x.shape
        bilinear = nn.functional.interpolate(
            x, scale_factor=2, mode="bilinear", align_corners=False
        )
        _check_high_resolution("guide", guide, x)
        _check_high_resolution("image", image, x)
        source = bilinear if guide is None else guide
        heads, dim, neighbors = self.heads, self.key_dim, self.neighbors
        pixels = b * h * w

        # Everything below is laid out pixel first, so that the two products with the
        # values are batched matrix products. On one CPU thread, those products (forward
        # and backward) took 15 ms against 34 ms for einsum in a one-off measurement.
        # q: (B H W, 4, heads, 1, d), phase 2a + b of output pixel (2i + a, 2j + b).
        q = self.query(source)
        if self.image_query is not None:
            if image is None:
                raise ValueError(
                    "missing image: this layer has image_query set, so pass the "
                    "(B, 1, 2H, 2W) guide image as image=..."
                )
            q = q + self.image_query(image)
        q = q.reshape(b, heads, dim, h, 2, w, 2)
        q = q.permute(0, 3, 5, 4, 6, 1, 2).reshape(pixels, 4, heads, 1, dim)

        # k: (B H W, 1, heads, window^2, d).
        k = _unfold(self.key(x), self.window).reshape(b, heads, dim, neighbors, h * w)
        k = k.permute(0, 4, 1, 3, 2).reshape(pixels, 1, heads, neighbors, dim)
        logits = (q * k).sum(-1) / math.sqrt(dim)  # (B H W, 4, heads, window^2)
        if self.log_temperature is not None:
            logits = logits * self.log_temperature.exp()[:, None]
        logits = logits + self.position_bias.transpose(0, 1)
        valid = _unfold(torch.ones(1, 1, h, w, device=x.device), self.window) > 0
        invalid = ~valid.reshape(neighbors, h * w).T.repeat(b, 1)  # (B H W, window^2)
        logits = logits.masked_fill(invalid[:, None, None], float("-inf"))
        attention = logits.softmax(dim=-1).reshape(pixels, 4 * heads, neighbors)

        v = x if self.value is None else self.value(x)
        width = v.shape[1]
        values = _unfold(v, self.window).reshape(b, width, neighbors, h * w)
        values = values.permute(0, 3, 2, 1).reshape(pixels, neighbors, width)
        # mixed[pixel, phase, head * width + channel] = sum_n a_{h, phase, n} v_n.
        mixed = torch.bmm(attention, values).reshape(pixels, 4, heads * width)
        taps = self.taps.expand(4, -1, -1, -1) if self.taps.dim() == 3 else self.taps
        taps = taps.permute(0, 1, 3, 2).reshape(4, heads * width, c)
        out = torch.bmm(mixed.transpose(0, 1), taps)  # (4, B H W, C)
        out = out.reshape(2, 2, b, h, w, c).permute(2, 5, 3, 0, 4, 1)
        out = out.reshape(b, c, 2 * h, 2 * w) + self.bias[:, None, None]
        return out + bilinear if self.residual else out


def _check_options(
    heads: int, key_dim: int, window: int, context_kernel: int, image_query: int
) -> None:
    """Raise ValueError for options that ``DynamicTapsUpsample2x`` cannot build."""
    if heads < 1 or key_dim < 1:
        raise ValueError(
            f"invalid heads={heads} or key_dim={key_dim}: set both to 1 or more"
        )
    if window < 3 or window % 2 == 0:
        raise ValueError(
            f"invalid window={window}: use an odd number of at least 3, "
            "so that the window contains the bilinear neighbors"
        )
    if context_kernel < 1 or context_kernel % 2 == 0:
        raise ValueError(
            f"invalid context_kernel={context_kernel}: "
            "use a positive odd number such as 1 or 5"
        )
    if image_query < 0 or (image_query and image_query % 2 == 0):
        raise ValueError(
            f"invalid image_query={image_query}: use 0 (no image guide) or an odd "
            "kernel side such as 3"
        )
