"""Joint image upsampling with attention: a depth-like map guided by the gray picture.

In joint upsampling the attention queries come from a high-resolution guide image,
while keys and values come from the low-resolution target. The target here is a
depth-like map: a total-variation smoothing of the gray picture (scikit-image
``denoise_tv_chambolle``), which is piecewise smooth with edges where the picture has
strong edges. Two models upsample its 2x area-downsampled version. The guided one
takes its queries from a 3x3 convolution of the gray picture, and the self-queried one
from a bilinear upsampling of the map's own features. Both are otherwise the
experiment's attention super-resolver.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch
from graphkit.extras.common.data import load_gray_image
from graphkit.extras.common.train import minibatches
from graphkit.extras.efficient.sr_protocol import feature_extractor, shaved_psnr
from torch import nn

logger = logging.getLogger(__name__)

#: Total-variation weight of the depth-like map (larger: flatter regions).
TV_WEIGHT = 0.2


def depth_like_pair(name: str) -> torch.Tensor:
    """Return the gray picture and its depth-like map, cropped to even sides.

    Shapes:
        return: ``(2, H, W)`` float32 with channel 0 the gray picture and channel 1
        the total-variation smoothing of it.
    """
    from skimage.restoration import denoise_tv_chambolle

    gray = load_gray_image(name)
    depth = denoise_tv_chambolle(gray, weight=TV_WEIGHT).astype(np.float32)
    pair = torch.from_numpy(np.stack([gray, depth]))
    height, width = pair.shape[-2:]
    return pair[:, : height - height % 2, : width - width % 2]


def pair_patches(
    pairs: list[torch.Tensor], size: int, count: int, seed: int
) -> torch.Tensor:
    """Cut ``count`` random ``size`` x ``size`` patches, spread evenly over ``pairs``.

    Shapes:
        pairs: ``(2, H, W)`` each; return: ``(count, 2, size, size)``.
    """
    rng = np.random.default_rng(seed)
    patches = []
    for index in range(count):
        pair = pairs[index % len(pairs)]
        top = int(rng.integers(0, (pair.shape[1] - size) // 2 + 1)) * 2
        left = int(rng.integers(0, (pair.shape[2] - size) // 2 + 1)) * 2
        patches.append(pair[:, top : top + size, left : left + size])
    return torch.stack(patches)


class JointUpsampler(nn.Module):
    """Attention super-resolver of a one-channel map, optionally guided by a picture.

    Args:
        upsample (nn.Module): attention upsampler with a ``guide`` argument
            (``AttentionUpsample2x``).
        channels (int): feature channels.
        guided (bool): take the queries from a 3x3 convolution of the guide picture.

    Shapes:
        low: ``(B, 1, H, W)``; guide: ``(B, 1, 2H, 2W)``; return: ``(B, 1, 2H, 2W)``.
    """

    def __init__(self, upsample: nn.Module, channels: int, guided: bool) -> None:
        super().__init__()
        self.features = feature_extractor(channels)
        self.upsample = upsample
        self.guide = nn.Conv2d(1, channels, 3, padding=1) if guided else None
        self.head = nn.Conv2d(channels, 1, 3, padding=1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, low: torch.Tensor, guide: torch.Tensor) -> torch.Tensor:
        smooth = nn.functional.interpolate(
            low, scale_factor=2, mode="bicubic", align_corners=False
        )
        queries = None if self.guide is None else self.guide(guide)
        return smooth + self.head(self.upsample(self.features(low), guide=queries))


def fit_joint(
    model: JointUpsampler,
    patches: torch.Tensor,
    epochs: int,
    lr: float,
    batch_size: int,
    generator: torch.Generator,
) -> None:
    """Train with Adam, a cosine schedule and the mean squared error on the map.

    Shapes:
        patches: ``(N, 2, S, S)``, channel 0 the guide and channel 1 the map.
    """
    guide, target = patches[:, :1], patches[:, 1:]
    low = nn.functional.avg_pool2d(target, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(patches) / batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    model.train()
    for _epoch in range(epochs):
        for batch in minibatches(len(patches), batch_size, generator):
            loss = nn.functional.mse_loss(
                model(low[batch], guide[batch]), target[batch]
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()


def joint_psnr(
    model: JointUpsampler | None, pairs: list[torch.Tensor], shave: int
) -> float:
    """Return the mean shaved PSNR (dB) of the upsampled maps (bicubic if ``model`` is
    None) over whole pictures."""
    scores = []
    with torch.no_grad():
        for pair in pairs:
            guide, target = pair[None, :1], pair[None, 1:]
            low = nn.functional.avg_pool2d(target, 2)
            if model is None:
                estimate = nn.functional.interpolate(
                    low, scale_factor=2, mode="bicubic", align_corners=False
                )
            else:
                estimate = model(low, guide)
            scores.append(shaved_psnr(estimate.clamp(0, 1), target, shave))
    return float(np.mean(scores))
