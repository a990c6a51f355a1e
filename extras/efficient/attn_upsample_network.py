"""Super-resolution network of the attn_upsample experiment and its patch transforms.

The network extracts features, upsamples them 2x with a transposed convolution or an
attention upsampler, and adds a learned residual to the bicubic upsampling of its input.
``downsample`` makes the low-resolution inputs from the high-resolution patches, and
``dihedral_augment`` returns the 8 flips and 90-degree rotations of each training patch.
"""

from __future__ import annotations

import torch
from graphkit.extras.efficient.attn_upsample_projected import AttentionUpsample2x
from graphkit.extras.efficient.attn_upsample_taps import DynamicTapsUpsample2x
from graphkit.extras.efficient.sr_protocol import feature_extractor
from torch import nn


class SuperResolver(nn.Module):
    """Feature extractor, 2x upsampler, 3x3 conv to one channel, plus the bicubic input.

    ``attention_options`` are passed after ``channels`` and ``heads`` to
    ``AttentionUpsample2x``, or to ``DynamicTapsUpsample2x`` when they contain
    ``form="taps"``.
    """

    def __init__(
        self, upsampler: str, channels: int, heads: int, **attention_options
    ) -> None:
        super().__init__()
        self.features = feature_extractor(channels)
        if upsampler == "transposed":
            self.upsample = nn.ConvTranspose2d(
                channels, channels, 4, stride=2, padding=1
            )
        elif upsampler == "attention":
            form = attention_options.pop("form", "projected")
            if form == "taps":
                self.upsample = DynamicTapsUpsample2x(
                    channels, heads, **attention_options
                )
            elif form == "projected":
                self.upsample = AttentionUpsample2x(
                    channels, heads, **attention_options
                )
            else:
                raise ValueError(f"invalid form={form!r}: use 'projected' or 'taps'")
        else:
            raise ValueError(
                f"upsampler={upsampler!r} is invalid; expected transposed or attention"
            )
        self.head = nn.Conv2d(channels, 1, 3, padding=1)
        # Start from the bicubic output, so that training only learns the residual.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, low: torch.Tensor) -> torch.Tensor:
        smooth = bicubic(low)
        features = self.features(low)
        if getattr(self.upsample, "image_query", None) is not None:
            # Joint upsampling: the bicubic image guides the attention queries.
            return smooth + self.head(self.upsample(features, image=smooth))
        return smooth + self.head(self.upsample(features))


def bicubic(low: torch.Tensor) -> torch.Tensor:
    return nn.functional.interpolate(
        low, scale_factor=2, mode="bicubic", align_corners=False
    )


def dihedral_augment(patches: torch.Tensor) -> torch.Tensor:
    """Return the 8 flips and 90-degree rotations of each patch, identity first.

    The output stacks the transforms one after another, so rows ``0:N`` are the input.

    Shapes:
        patches: ``(N, C, S, S)``.
        return: ``(8 N, C, S, S)``.
    """
    flips = [patches, patches.flip(-1)]
    flips = flips + [p.flip(-2) for p in flips]
    return torch.cat(flips + [p.transpose(-1, -2) for p in flips])


def downsample(high: torch.Tensor) -> torch.Tensor:
    """2x area downsampling (mean of each 2x2 block)."""
    return nn.functional.avg_pool2d(high, 2)
