"""Attention-based image upsampling against strided transposed convolution.

Kundu, Mostafa, Sridhar and Sundaresan, "Attention-based Image Upsampling"
(arXiv:2012.09904). This module trains and scores the experiment. The upsampling
operators are in ``attn_upsample_projected`` (the default form) and
``attn_upsample_taps``, their shared pieces in ``attn_upsample_parts``, the network in
``attn_upsample_network`` and the settings in ``attn_upsample_config``.

Demo: 2x super-resolution of 24x24 grayscale patches of scikit-image sample images
(area-downsampled to 12x12 inputs). Both networks are conv3x3-ReLU-conv3x3-ReLU feature
extraction, the upsampler, and a 3x3 convolution to one channel added to the bicubic
upsampling of the input. The score is the PSNR of whole test pictures, not used in
training, with 2 border pixels left out (``sr_protocol.whole_image_psnr``), and the
PSNR of random test patches is reported next to it. Both
models train on the 8 flips and 90-degree rotations of each patch with the same
optimizer, schedule and minibatch order, from three seeds by default. Each model uses
the learning rate that scored best for it on a validation picture.
"""

from __future__ import annotations

import logging
import math

import torch
from graphkit.extras.common.data import sample_patches
from graphkit.extras.common.train import minibatches, psnr, seed_everything

# The operators, the network and the config are re-exported, so existing imports
# from this module keep working.
from graphkit.extras.efficient.attn_upsample_config import Config
from graphkit.extras.efficient.attn_upsample_network import (
    SuperResolver,
    bicubic,
    dihedral_augment,
    downsample,
)
from graphkit.extras.efficient.attn_upsample_parts import (  # noqa: F401
    bilinear_weights,
    peaked_prior,
)
from graphkit.extras.efficient.attn_upsample_projected import AttentionUpsample2x
from graphkit.extras.efficient.attn_upsample_taps import (  # noqa: F401
    DynamicTapsUpsample2x,
)
from graphkit.extras.efficient.joint_upsample import (
    JointUpsampler,
    depth_like_pair,
    fit_joint,
    joint_psnr,
    pair_patches,
)
from graphkit.extras.efficient.sr_protocol import (
    load_whole_images,
    random_dihedral,
    whole_image_psnr,
)
from graphkit.extras.registry import Criterion, at_least, at_most, register
from torch import nn

logger = logging.getLogger(__name__)


def _fit(
    model: nn.Module,
    high: torch.Tensor,
    config: Config,
    generator: torch.Generator,
    lr: float | None = None,
) -> None:
    low = downsample(high)
    loss_function = (
        nn.functional.l1_loss if config.loss == "l1" else nn.functional.mse_loss
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr or config.lr)
    steps = config.epochs * math.ceil(len(high) / config.batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    model.train()
    for _epoch in range(config.epochs):
        for batch in minibatches(len(high), config.batch_size, generator):
            target, inputs = high[batch], low[batch]
            if config.random_augment:
                # Area downsampling commutes with flips and transposes of even patches.
                target = random_dihedral(target, generator)
                inputs = downsample(target)
            loss = loss_function(model(inputs), target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()


def _upsampler_parameters(model: SuperResolver) -> int:
    return sum(p.numel() for p in model.upsample.parameters())


def _run_seed(config: Config, seed: int) -> dict[str, float]:
    """Train both super-resolvers from one seed and return PSNR (dB) and sizes.

    ``psnr_*`` is the whole-image score (``whole_image_psnr`` with ``config.shave``)
    and ``patch_psnr_*`` the mean-squared-error PSNR over random patches of the same
    pictures.
    """
    seed_everything(seed)
    train_images, score_images = config.split()
    train = sample_patches(train_images, config.patch_size, config.train_patches, seed)
    if config.augment:
        train = dihedral_augment(train)
    patches = sample_patches(
        score_images, config.patch_size, config.test_patches, config.seed + 1
    )
    patches_low = downsample(patches)
    images = load_whole_images(score_images)
    metrics = {
        "psnr_bicubic": whole_image_psnr(bicubic, images, config.shave),
        "patch_psnr_bicubic": psnr(bicubic(patches_low).clamp(0, 1), patches),
    }
    for name in ("transposed", "attention"):
        # Both models get the same initialization seed and minibatch order.
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        model = SuperResolver(
            name, config.channels, config.heads, **config.attention_options()
        )
        lr = config.attention_lr if name == "attention" else 0.0
        _fit(model, train, config, generator, lr=lr or config.lr)
        metrics[f"psnr_{name}"] = whole_image_psnr(model, images, config.shave)
        with torch.no_grad():
            metrics[f"patch_psnr_{name}"] = psnr(
                model(patches_low).clamp(0, 1), patches
            )
        metrics[f"params_{name}_upsampler"] = float(_upsampler_parameters(model))
        metrics[f"params_{name}_total"] = float(
            sum(p.numel() for p in model.parameters())
        )
        logger.info(
            "seed %d, %s: whole-image PSNR %.3f dB, patch PSNR %.3f dB",
            seed,
            name,
            metrics[f"psnr_{name}"],
            metrics[f"patch_psnr_{name}"],
        )
    if config.joint:
        metrics.update(_run_joint(config, seed, train_images, score_images))
    return metrics


def _run_joint(
    config: Config,
    seed: int,
    train_images: tuple[str, ...],
    score_images: tuple[str, ...],
) -> dict[str, float]:
    """Train self-queried and guided attention on the depth-like maps and score them."""
    train = pair_patches(
        [depth_like_pair(n) for n in train_images],
        config.patch_size,
        config.train_patches,
        seed,
    )
    if config.augment:
        train = dihedral_augment(train)
    scored = [depth_like_pair(n) for n in score_images]
    metrics = {"joint_psnr_bicubic": joint_psnr(None, scored, config.shave)}
    for name, guided in (("self", False), ("guided", True)):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        options = config.attention_options()
        upsample = AttentionUpsample2x(config.channels, config.heads, **options)
        model = JointUpsampler(upsample, config.channels, guided)
        lr = config.attention_lr or config.lr
        fit_joint(model, train, config.epochs, lr, config.batch_size, generator)
        metrics[f"joint_psnr_{name}"] = joint_psnr(model, scored, config.shave)
        logger.info(
            "seed %d, joint %s: PSNR %.3f dB", seed, name, metrics[f"joint_psnr_{name}"]
        )
    return metrics


def run(config: Config) -> dict[str, float]:
    """Train both super-resolvers once per seed and return the averaged metrics.

    The metrics are the mean PSNR (dB) and parameter counts over ``config.seeds`` runs.
    ``gap_min``, ``gap_max`` and ``gap_std`` (sample standard deviation, 0 for one run)
    describe the attention-minus-transposed whole-image PSNR gap across runs, and
    ``patch_gap_*`` the same for the patch PSNR. The scored pictures and patches are
    the same for every seed. The training patches, initialization and minibatch order
    change with the seed.
    """
    runs = [_run_seed(config, config.seed + index) for index in range(config.seeds)]
    metrics = {key: sum(r[key] for r in runs) / len(runs) for key in runs[0]}
    for prefix in ("", "patch_"):
        gaps = torch.tensor(
            [r[f"{prefix}psnr_attention"] - r[f"{prefix}psnr_transposed"] for r in runs]
        )
        logger.info("%sgaps per seed (dB): %s", prefix, gaps.tolist())
        metrics[f"{prefix}gap_min"] = float(gaps.min())
        metrics[f"{prefix}gap_max"] = float(gaps.max())
        metrics[f"{prefix}gap_std"] = float(gaps.std()) if len(runs) > 1 else 0.0
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Attention >= transposed + 0.2 dB with no more parameters; both above bicubic.

    The PSNR is the whole-image score with a shaved border, as super-resolution papers
    report it, not the patch score.
    """
    # TODO: the full run fails the first criterion: attention is 0.03 dB ahead of the
    # transposed convolution on the mean of three seeds (whole pictures), not 0.2 dB.
    return [
        at_least(
            "psnr_attention_minus_transposed",
            metrics["psnr_attention"] - metrics["psnr_transposed"],
            0.2,
            " dB",
        ),
        at_most(
            "params_attention_over_transposed",
            metrics["params_attention_total"] / metrics["params_transposed_total"],
            1.0,
        ),
        at_least(
            "psnr_transposed_minus_bicubic",
            metrics["psnr_transposed"] - metrics["psnr_bicubic"],
            0.0,
            " dB",
        ),
        at_least(
            "psnr_attention_minus_bicubic",
            metrics["psnr_attention"] - metrics["psnr_bicubic"],
            0.0,
            " dB",
        ),
    ]


run = register(
    "attn_upsample",
    "Attention-based Image Upsampling",
    "content-dependent attention kernel vs strided transposed convolution for 2x SR",
    11,
)(run)
