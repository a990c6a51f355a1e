"""Spike codes for images with intensities in [0, 1]."""

from __future__ import annotations

import torch
from torch import Tensor


def _check_intensities(x: Tensor, steps: int) -> None:
    """Check that steps >= 1 and that x contains float intensities without NaN."""
    if steps < 1:
        raise ValueError(f"steps={steps} is invalid. Use a value >= 1.")
    if not x.is_floating_point():
        # Clamping an integer image to [0, 1] maps every pixel above 0 to full intensity.
        raise TypeError(
            f"x has dtype {x.dtype}, but the encoders take float intensities in "
            "[0, 1]. Divide integer images by their maximum (255 for uint8) first."
        )
    if torch.isnan(x).any():
        raise ValueError(
            f"x contains {int(torch.isnan(x).sum())} NaN intensities. Give values in "
            "[0, 1]."
        )


def latency_spikes(x: Tensor, steps: int, min_intensity: float = 0.05) -> Tensor:
    """Encode each pixel as one spike whose time falls as its intensity rises.

    Pixel value x > ``min_intensity`` spikes once at step round((steps - 1)(1 - x)), so
    the brightest pixels spike first; dimmer pixels stay silent.

    Args:
        x (Tensor): intensities in [0, 1], shape ``[B, N]``.
        steps (int): number of time steps T.
        min_intensity (float, default 0.05): pixels at or below this never spike.

    Returns:
        Tensor: spike raster of shape ``[T, B, N]`` with values in {0, 1}.

    Raises:
        ValueError: ``steps`` < 1 or ``x`` contains NaN.
        TypeError: ``x`` is not a floating-point tensor.
    """
    _check_intensities(x, steps)
    # float16 and bfloat16 represent every whole number only up to 2048 and 256, so
    # the times are computed in at least float32. In bfloat16, (300 - 1) * 1.0
    # rounds to 300, which is out of range for 300 steps.
    intensity = x.to(torch.promote_types(x.dtype, torch.float32))
    times = torch.round((steps - 1) * (1.0 - intensity.clamp(0.0, 1.0))).long()
    raster = torch.zeros(steps, *x.shape, dtype=x.dtype, device=x.device)
    active = x > min_intensity
    raster.scatter_(0, times.unsqueeze(0), active.unsqueeze(0).to(x.dtype))
    return raster


def poisson_spikes(
    x: Tensor,
    steps: int,
    max_prob: float = 0.5,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Encode each pixel as a Bernoulli spike train with rate proportional to intensity.

    At every step, pixel x spikes with probability ``max_prob`` * x.

    Args:
        x (Tensor): intensities in [0, 1], shape ``[B, N]``.
        steps (int): number of time steps T.
        max_prob (float, default 0.5): spike probability per step of a pixel with x = 1.
        generator (torch.Generator, optional): source of randomness.

    Returns:
        Tensor: spike raster of shape ``[T, B, N]`` with values in {0, 1}.

    Raises:
        ValueError: ``steps`` < 1, ``max_prob`` is outside [0, 1] or ``x`` contains
            NaN.
        TypeError: ``x`` is not a floating-point tensor.
    """
    _check_intensities(x, steps)
    if not 0.0 <= max_prob <= 1.0:
        # torch.bernoulli would reject the probabilities without naming max_prob.
        raise ValueError(
            f"max_prob={max_prob} is invalid. Use a spike probability in [0, 1]."
        )
    prob = (max_prob * x.clamp(0.0, 1.0)).expand(steps, *x.shape)
    return torch.bernoulli(prob, generator=generator)
