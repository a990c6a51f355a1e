"""Scoring, augmentation and the feature extractor of the 2x super-resolution experiment.

Super-resolution papers score whole test images and ignore ``scale`` pixels at each
border, because the pixels next to the border depend on how a network pads. This
module computes that score (PSNR over the shaved image, averaged over the images) and
draws one random flip or 90-degree rotation per training patch. Every model of the
experiment starts with the same feature extractor.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from graphkit.extras.common.data import load_gray_image
from torch import nn


def shaved_psnr(
    estimate: torch.Tensor, reference: torch.Tensor, shave: int, data_range: float = 1.0
) -> float:
    """Return the PSNR in dB, ``10 log10(range^2 / MSE)``, without a border of ``shave``
    pixels on each side.

    Args:
        estimate, reference (torch.Tensor): images of the same shape.
        shave (int): pixels dropped at each of the four borders (0: none).
        data_range (float, default 1.0): peak value of the images.

    Shapes:
        estimate, reference: ``(..., H, W)`` with ``H, W > 2 shave``.
    """
    if estimate.shape != reference.shape:
        raise ValueError(
            f"estimate shape {tuple(estimate.shape)} differs from reference shape "
            f"{tuple(reference.shape)}: pass images of the same size"
        )
    height, width = reference.shape[-2:]
    if shave < 0 or 2 * shave >= min(height, width):
        raise ValueError(
            f"invalid shave={shave} for {height}x{width} images: use 0 <= shave < "
            f"{(min(height, width) + 1) // 2}"
        )
    if shave:
        estimate = estimate[..., shave:-shave, shave:-shave]
        reference = reference[..., shave:-shave, shave:-shave]
    mse = float(torch.mean((estimate.double() - reference.double()) ** 2))
    if mse == 0.0:
        return float("inf")
    return 10.0 * float(np.log10(data_range**2 / mse))


def even_crop(image: torch.Tensor) -> torch.Tensor:
    """Drop the last row and column where the height or width is odd, so that 2x
    downsampling covers the whole image.

    Shapes:
        image: ``(..., H, W)``; return: ``(..., 2 floor(H / 2), 2 floor(W / 2))``.
    """
    height, width = image.shape[-2:]
    return image[..., : height - height % 2, : width - width % 2]


def load_whole_images(names: tuple[str, ...] | list[str]) -> list[torch.Tensor]:
    """Load scikit-image sample pictures in gray, cropped to even sides.

    Shapes:
        return: one ``(1, 1, H, W)`` float32 tensor in ``[0, 1]`` per name.
    """
    return [even_crop(torch.from_numpy(load_gray_image(n))[None, None]) for n in names]


def whole_image_psnr(
    upsample: Callable[[torch.Tensor], torch.Tensor],
    images: list[torch.Tensor],
    shave: int = 2,
) -> float:
    """Return the mean over ``images`` of the shaved PSNR (dB) of 2x super-resolution.

    Each image is area-downsampled by 2 (mean of each 2x2 block). ``upsample`` maps
    that input back to full size, its output is clamped to ``[0, 1]``, and the PSNR
    leaves out ``shave`` pixels at each border.

    Shapes:
        images: ``(1, 1, H, W)`` each, with even ``H`` and ``W``.
    """
    scores = []
    with torch.no_grad():
        for image in images:
            low = nn.functional.avg_pool2d(image, 2)
            scores.append(shaved_psnr(upsample(low).clamp(0, 1), image, shave))
    return float(np.mean(scores))


def random_dihedral(patches: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Apply one of the 8 flips and 90-degree rotations, drawn per patch, to each patch.

    Transform ``t`` flips the columns if bit 0 of ``t`` is set, then the rows if bit 1
    is set, then transposes if bit 2 is set.

    Shapes:
        patches: ``(N, C, S, S)``; return: the same.
    """
    transforms = torch.randint(8, (len(patches),), generator=generator)
    out = patches.clone()
    for t in range(8):
        rows = (transforms == t).nonzero().flatten()
        if len(rows) == 0:
            continue
        chosen = patches[rows]
        if t & 1:
            chosen = chosen.flip(-1)
        if t & 2:
            chosen = chosen.flip(-2)
        if t & 4:
            chosen = chosen.transpose(-1, -2)
        out[rows] = chosen
    return out


def feature_extractor(channels: int) -> nn.Sequential:
    """Return two 3x3 convolutions with ReLU from one channel to ``channels``."""
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(channels, channels, 3, padding=1),
        nn.ReLU(),
    )
