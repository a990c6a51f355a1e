"""Settings of the attn_upsample super-resolution experiment."""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphkit.extras.efficient.attn_upsample_projected import (
    _check_options as check_projected_options,
)
from graphkit.extras.efficient.attn_upsample_taps import (
    _check_options as check_taps_options,
)


@dataclass
class Config:
    """Super-resolution experiment settings.

    Attributes:
        train_images, test_images: scikit-image pictures for training and testing.
        patch_size: high-resolution patch side (even); train_patches, test_patches: counts.
        channels, heads: feature channels; attention heads.
        position_bias, window, temperature, residual, phase_output, value_channels,
            bilinear_prior, context_kernel: options of the attention upsampler (see
            ``AttentionUpsample2x``), and ``value_channels=0`` means
            ``channels / heads``.
        form: ``"projected"`` (``AttentionUpsample2x``) or ``"taps"``
            (``DynamicTapsUpsample2x``). The taps form uses heads, key_dim, window,
            shared_output, context_kernel, temperature, residual, value_channels and
            image_query. With it, ``value_channels=0`` means no value projection.
        key_dim, shared_output, image_query: options of ``DynamicTapsUpsample2x``.
            ``image_query`` is the side of the convolution that adds the bicubic
            image to the queries (0: none).
        augment: whether to train on the 8 flips and 90-degree rotations of each
            patch (8 copies of the training set in every epoch).
        random_augment: whether to apply one random flip or 90-degree rotation to each
            patch of each minibatch instead (one copy per epoch). Excludes ``augment``.
        loss: training loss of both models, ``"mse"`` or ``"l1"``.
        shave: border pixels left out of the whole-image PSNR on each side.
        joint: also train guided and self-queried attention to upsample a depth-like
            map (``joint_upsample``), for the ``joint_psnr_*`` metrics.
        validate: train without ``validation_image`` and score on it instead of on
            ``test_images``, to choose settings without the test pictures.
        epochs, batch_size: Adam training (cosine schedule), shared by both models.
        lr: learning rate of the transposed-convolution model.
        attention_lr: learning rate of the attention model (0: use ``lr``). Each
            default scored best for its model on the validation picture among 2e-3,
            3e-3 and 4e-3, plus 6e-3 and 8e-3 for ``lr``.
        seed: first seed of training-patch positions, initialization and minibatch order
            (the test patches use ``seed + 1`` for every run).
        seeds: number of runs, with seeds ``seed, seed + 1, ...``. Metrics are means
            over the runs.
    """

    train_images: tuple[str, ...] = ("camera", "coins", "astronaut", "moon")
    test_images: tuple[str, ...] = ("coffee", "chelsea", "rocket")
    patch_size: int = 24
    train_patches: int = 2000
    test_patches: int = 600
    channels: int = 16
    heads: int = 8
    position_bias: bool = True
    window: int = 3
    temperature: bool = True
    residual: bool = True
    phase_output: bool = True
    value_channels: int = 0
    bilinear_prior: bool = True
    context_kernel: int = 5
    form: str = "projected"
    key_dim: int = 4
    shared_output: bool = False
    image_query: int = 0
    epochs: int = 8
    lr: float = 4e-3
    attention_lr: float = 3e-3
    batch_size: int = 32
    augment: bool = True
    random_augment: bool = False
    loss: str = "mse"
    shave: int = 2
    validate: bool = False
    validation_image: str = "astronaut"
    joint: bool = False
    seed: int = 0
    seeds: int = 3

    def __post_init__(self) -> None:
        for name in (
            "channels", "heads", "epochs", "batch_size", "train_patches", "test_patches"
        ):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid. Use a value >= 1."
                )
        if self.patch_size % 2 or self.patch_size < 4:
            raise ValueError(f"patch_size={self.patch_size} must be even and >= 4")
        shared = sorted(set(self.train_images) & set(self.test_images))
        if shared:
            raise ValueError(
                f"train_images={self.train_images} and test_images={self.test_images} "
                f"share {shared}. Remove them from one of the two"
            )
        if self.form not in ("projected", "taps"):
            raise ValueError(
                f"form={self.form!r} is invalid: set form=projected or form=taps"
            )
        if self.form == "projected" and self.channels % self.heads:
            raise ValueError(
                f"channels={self.channels} must be a multiple of heads={self.heads}"
            )
        if self.bilinear_prior and not self.position_bias:
            raise ValueError(
                "bilinear_prior=true requires position_bias=true: "
                "set position_bias=true or bilinear_prior=false"
            )
        if not 0 < self.lr < math.inf or not 0 <= self.attention_lr < math.inf:
            raise ValueError(
                f"invalid lr={self.lr} or attention_lr={self.attention_lr}: set a finite "
                "lr > 0 and a finite attention_lr > 0 (or 0 to use lr)"
            )
        if self.seeds < 1:
            raise ValueError(f"seeds={self.seeds} is invalid: set seeds to 1 or more")
        # A negative shave would fail only when the PSNR is computed, after training.
        if self.shave < 0:
            raise ValueError(
                f"shave={self.shave} is invalid: set shave to 0 (no border) or more"
            )
        if self.value_channels < 0:
            raise ValueError(
                f"value_channels={self.value_channels} is invalid: set 0 (the default) "
                "or a positive channel count"
            )
        if self.loss not in ("mse", "l1"):
            raise ValueError(f"loss={self.loss!r} is invalid: set loss=mse or loss=l1")
        if self.augment and self.random_augment:
            raise ValueError(
                "augment=true and random_augment=true both augment the patches: "
                "set at most one of them to true"
            )
        if self.joint and self.form != "projected":
            raise ValueError(
                f"joint=true needs form=projected, got form={self.form!r}: "
                "set form=projected or joint=false"
            )
        for name in ("train_images", "test_images"):
            if not getattr(self, name):
                raise ValueError(
                    f"{name} is empty. Name at least one scikit-image picture, "
                    "for example camera"
                )
        # The upsampler checks its options again when it is built, but that comes
        # after the transposed-convolution model has trained.
        if self.form == "projected":
            check_projected_options(
                self.channels, self.heads, self.window, self.position_bias,
                self.bilinear_prior, self.context_kernel,
            )
        else:
            check_taps_options(
                self.heads, self.key_dim, self.window, self.context_kernel,
                self.image_query,
            )
        if self.validate and self.validation_image not in self.train_images:
            raise ValueError(
                f"validation_image={self.validation_image!r} is not in train_images="
                f"{self.train_images}: pick one of the training pictures"
            )

    def split(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the training and scoring pictures.

        With ``validate`` the scoring picture is ``validation_image``, and training
        uses the other training pictures. Otherwise they are ``train_images`` and
        ``test_images``.
        """
        if not self.validate:
            return self.train_images, self.test_images
        train = tuple(n for n in self.train_images if n != self.validation_image)
        return train, (self.validation_image,)

    def attention_options(self) -> dict:
        """Return the upsampler's keyword arguments after channels and heads."""
        if self.form == "taps":
            return {
                "form": "taps",
                "key_dim": self.key_dim,
                "window": self.window,
                "shared_output": self.shared_output,
                "context_kernel": self.context_kernel,
                "temperature": self.temperature,
                "residual": self.residual,
                "value_channels": self.value_channels or None,
                "image_query": self.image_query,
            }
        return {
            "position_bias": self.position_bias,
            "window": self.window,
            "temperature": self.temperature,
            "residual": self.residual,
            "phase_output": self.phase_output,
            "value_channels": self.value_channels or None,
            "bilinear_prior": self.bilinear_prior,
            "context_kernel": self.context_kernel,
        }

    @classmethod
    def smoke(cls) -> Config:
        # Scoring one small picture (coins, 303 x 384) keeps the whole-picture pass short.
        return cls(
            train_images=("camera", "moon"),
            test_images=("coins",),
            # astronaut is not a smoke training picture, so validate=true holds out moon.
            validation_image="moon",
            train_patches=32,
            test_patches=64,
            epochs=1,
            seeds=1,
        )
