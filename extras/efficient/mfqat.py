"""MF-QAT: multi-format quantization-aware training with OCP MX formats.

Xu, Sharify and Mostafa, "MF-QAT: Multi-Format Quantization-Aware Training for Elastic
Inference" (arXiv:2604.00529, 2026). One model is trained so that it works in several MX
formats. Every linear layer fake-quantizes its weight (blocks of 32 along the input
features) and its input activation (blocks along the last dimension) with the
straight-through estimator. Each optimizer step uses either one format drawn uniformly
from the training set ``F`` (``mf_mode="sample"``) or the sum of the losses over all
formats in ``F`` (``mf_mode="sum"``). At inference a stored MXINT8 (or MXFP8)
anchor of the weights is converted to a narrower format by Slice-and-Scale
(``graphkit.extras.common.quant.slice_and_scale``) without retraining.

Demo: a 64-256-256-10 MLP on scikit-learn digits. Arms: FP32 with post-training
quantization, one single-format QAT specialist per trained format, and MF-QAT over the
same formats; every model is evaluated at every format of ``eval_formats`` (formats
outside ``train_formats`` were never seen in training), once with the weights quantized
directly and once through Slice-and-Scale from the anchor. Accuracies are averaged over
``seeds``.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass
from typing import Literal

import torch
from graphkit.extras.common.data import load_digits_split
from graphkit.extras.common.quant import (
    element_format,
    mx_encode,
    quantize_mx,
    quantize_mx_ste,
    slice_and_scale,
)
from graphkit.extras.common.train import accuracy, seed_everything, train_classifier
from graphkit.extras.registry import Criterion, at_most, register
from torch import nn

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """MF-QAT experiment settings.

    Attributes:
        train_formats: formats used in training (MF-QAT set; one specialist each).
        eval_formats: formats evaluated; those not in ``train_formats`` are unseen.
        anchor_format: stored format that Slice-and-Scale starts from.
        mf_mode: ``"sample"`` one format per step, or ``"sum"`` of the per-format losses.
        hidden: widths of the two hidden layers.
        epochs, lr, batch_size: Adam training settings, shared by every arm.
        seeds: seeds to average accuracies over.
        block_size: MX block length (32 in OCP MX).
    """

    train_formats: tuple[str, ...] = ("mxint8", "mxint4", "mxint2")
    eval_formats: tuple[str, ...] = (
        "mxint8",
        "mxint6",
        "mxint5",
        "mxint4",
        "mxint3",
        "mxint2",
    )
    anchor_format: str = "mxint8"
    mf_mode: Literal["sample", "sum"] = "sum"
    hidden: tuple[int, ...] = (256, 256)
    epochs: int = 30
    lr: float = 1e-3
    batch_size: int = 64
    seeds: tuple[int, ...] = (0, 1)
    block_size: int = 32

    def __post_init__(self) -> None:
        for name in (*self.train_formats, *self.eval_formats, self.anchor_format):
            element_format(name)  # raises ValueError naming the valid formats
        anchor = element_format(self.anchor_format)
        for name in self.eval_formats:
            fmt = element_format(name)
            if fmt.kind != anchor.kind or fmt.bits > anchor.bits:
                raise ValueError(
                    f"eval format {name} cannot be reached from anchor {self.anchor_format} "
                    "by Slice-and-Scale; use formats of the same family and at most its bits"
                )
        if not self.train_formats or not self.seeds:
            raise ValueError("train_formats and seeds must not be empty")
        # Each training format names one specialist arm, whose accuracies are summed
        # per seed under that name, so a repeated format would count its arm twice.
        repeated = sorted(
            {f for f in self.train_formats if self.train_formats.count(f) > 1}
        )
        if repeated:
            raise ValueError(
                f"train_formats={self.train_formats} repeats {', '.join(repeated)}. "
                "List each format once."
            )
        # The criteria compare MF-QAT with each specialist at the specialist's format.
        missing = [f for f in self.train_formats if f not in self.eval_formats]
        if missing:
            raise ValueError(
                f"train format(s) {', '.join(missing)} missing from eval_formats="
                f"{self.eval_formats}. Add them to eval_formats, because the criteria "
                "compare MF-QAT with each specialist at its own format."
            )
        if self.epochs < 1 or not 0 < self.lr < math.inf or self.batch_size < 1:
            raise ValueError(
                f"invalid training settings: epochs={self.epochs}, lr={self.lr}, "
                f"batch_size={self.batch_size}. Use epochs >= 1, a finite lr > 0 and "
                "batch_size >= 1."
            )
        if self.block_size < 1:
            raise ValueError(
                f"block_size={self.block_size} is invalid. Use a value >= 1 (MX uses 32)."
            )
        if any(width < 1 for width in self.hidden):
            raise ValueError(
                f"hidden={self.hidden} is invalid. Give layer widths >= 1."
            )

    @classmethod
    def smoke(cls) -> Config:
        return cls(
            epochs=2, seeds=(0,), eval_formats=("mxint8", "mxint4", "mxint3", "mxint2")
        )


class MXLinear(nn.Linear):
    """Linear layer with MX fake quantization of its weight and, optionally, its input.

    ``fmt=None`` runs in FP32. ``weight_anchor`` switches the weight path to
    Slice-and-Scale: the weight is encoded in the anchor format, then sliced to ``fmt``.
    """

    def __init__(
        self, in_features: int, out_features: int, quantize_input: bool
    ) -> None:
        super().__init__(in_features, out_features)
        self.quantize_input = quantize_input
        self.fmt: str | None = None
        self.weight_anchor: str | None = None
        self.block_size = 32

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fmt is None:
            return super().forward(x)
        if self.weight_anchor is not None:
            anchor = mx_encode(
                self.weight.detach(), self.weight_anchor, self.block_size
            )
            # decode() returns float32 (float64 for a float64 weight), so a bfloat16
            # or float16 layer casts back to its own dtype.
            weight = slice_and_scale(anchor, self.fmt).decode().to(self.weight.dtype)
        else:
            weight = quantize_mx_ste(self.weight, self.fmt, self.block_size)
        if self.quantize_input:
            x = quantize_mx_ste(x, self.fmt, self.block_size)
        return nn.functional.linear(x, weight, self.bias)


def build_mlp(hidden: tuple[int, ...], block_size: int) -> nn.Sequential:
    """Build the MLP; the first layer's input (the pixels) and the logits stay FP32."""
    widths = (64, *hidden, 10)
    layers: list[nn.Module] = []
    for index in range(len(widths) - 1):
        layer = MXLinear(widths[index], widths[index + 1], quantize_input=index > 0)
        layer.block_size = block_size
        layers.append(layer)
        if index < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def set_format(
    model: nn.Module, fmt: str | None, weight_anchor: str | None = None
) -> None:
    """Set the MX format (and the Slice-and-Scale anchor) of every ``MXLinear``."""
    for module in model.modules():
        if isinstance(module, MXLinear):
            module.fmt = fmt
            module.weight_anchor = weight_anchor


def _multi_format_loss(formats: tuple[str, ...], mode: str, rng: random.Random):
    def loss_fn(model: nn.Module, xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        chosen = formats if mode == "sum" else (rng.choice(formats),)
        total = torch.zeros(())
        for fmt in chosen:
            set_format(model, fmt)
            total = total + nn.functional.cross_entropy(model(xb), yb)
        return total

    return loss_fn


def _train_arm(arm: str, config: Config, data, seed: int) -> nn.Module:
    generator = seed_everything(seed)
    model = build_mlp(config.hidden, config.block_size)
    if arm == "fp32":
        loss_fn = None
    elif arm == "mf":
        loss_fn = _multi_format_loss(
            config.train_formats, config.mf_mode, random.Random(seed)
        )
    else:
        loss_fn = _multi_format_loss((arm,), "sum", random.Random(seed))
    train_classifier(
        model,
        data.x_train,
        data.y_train,
        epochs=config.epochs,
        lr=config.lr,
        batch_size=config.batch_size,
        generator=generator,
        loss_fn=loss_fn,
    )
    return model


def _evaluate(model: nn.Module, config: Config, data) -> dict[str, float]:
    out = {}
    for fmt in config.eval_formats:
        set_format(model, fmt)
        out[fmt] = accuracy(model, data.x_test, data.y_test)
        set_format(model, fmt, weight_anchor=config.anchor_format)
        out[f"{fmt}_sas"] = accuracy(model, data.x_test, data.y_test)
    set_format(model, None)
    out["fp32"] = accuracy(model, data.x_test, data.y_test)
    return out


def run(config: Config) -> dict[str, float]:
    """Train every arm for every seed and return mean test accuracies (percent).

    Metric keys: ``acc_<arm>_<format>`` (direct), ``acc_<arm>_<format>_sas``
    (Slice-and-Scale), ``acc_<arm>_fp32``, with ``arm`` in ``fp32``, ``mf`` and
    ``spec_<format>``; ``mf_margin_lowest_format``, MF-QAT at the lowest trained format
    minus the better of the widest-format specialist and FP32 there; plus
    ``sas_mismatch_<format>``, the fraction of weight elements
    where Slice-and-Scale differs from direct quantization (MF model, first seed).
    """
    data = load_digits_split()
    arms = ["fp32", "mf", *config.train_formats]
    sums: dict[str, float] = {}
    for seed in config.seeds:
        for arm in arms:
            model = _train_arm(arm, config, data, seed)
            name = arm if arm in ("fp32", "mf") else f"spec_{arm}"
            for key, value in _evaluate(model, config, data).items():
                sums[f"acc_{name}_{key}"] = sums.get(f"acc_{name}_{key}", 0.0) + value
            if arm == "mf" and seed == config.seeds[0]:
                sums.update(_mismatch_rates(model, config))
            logger.info("seed %d arm %s trained", seed, arm)
    metrics = {}
    for key, value in sums.items():
        metrics[key] = value if key.startswith("sas_") else value / len(config.seeds)
    metrics["train_formats"] = float(len(config.train_formats))
    # Reported, not a criterion: on digits even MXINT2 post-training quantization loses
    # little, so the gain of MF-QAT over the 8-bit specialist at the lowest format is small.
    lowest = min(config.train_formats, key=lambda f: element_format(f).bits)
    widest = max(config.train_formats, key=lambda f: element_format(f).bits)
    if lowest in config.eval_formats:
        metrics["mf_margin_lowest_format"] = metrics[f"acc_mf_{lowest}"] - max(
            metrics[f"acc_spec_{widest}_{lowest}"], metrics[f"acc_fp32_{lowest}"]
        )
    return metrics


@torch.no_grad()
def _mismatch_rates(model: nn.Module, config: Config) -> dict[str, float]:
    rates = {}
    weights = [m.weight for m in model.modules() if isinstance(m, MXLinear)]
    for fmt in config.eval_formats:
        differ = total = 0
        for weight in weights:
            anchor = mx_encode(weight, config.anchor_format, config.block_size)
            sliced = slice_and_scale(anchor, fmt).decode()
            direct = quantize_mx(weight, fmt, config.block_size)
            differ += int((sliced != direct).sum())
            total += weight.numel()
        rates[f"sas_mismatch_{fmt}"] = differ / total
    return rates


def _formats_from(metrics: dict[str, float]) -> tuple[list[str], list[str], list[str]]:
    """Recover the trained, evaluated and unseen format names from the metric keys."""
    evaluated = sorted(
        k[len("acc_mf_") : -len("_sas")]
        for k in metrics
        if k.startswith("acc_mf_") and k.endswith("_sas")
    )
    trained = sorted(
        k[len("acc_spec_") : -len("_fp32")]
        for k in metrics
        if k.startswith("acc_spec_") and k.endswith("_fp32")
    )
    unseen = [f for f in evaluated if f not in trained]
    return trained, evaluated, unseen


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Pass criteria of the paper's claims, on mean accuracies in points.

    1. At every trained format, MF-QAT is within 1.5 points of that format's specialist.
    2. At every unseen format, MF-QAT is within 1.5 points of the best specialist there.
    3. Slice-and-Scale from the anchor is within 0.5 points of direct quantization of
       the MF-QAT model at every evaluated format.
    """
    trained, evaluated, unseen = _formats_from(metrics)
    specialists = [f"spec_{f}" for f in trained]
    trained_gap = max(
        metrics[f"acc_spec_{f}_{f}"] - metrics[f"acc_mf_{f}"] for f in trained
    )
    out = [at_most("mf_gap_trained_max", trained_gap, 1.5, " points")]
    if unseen:
        unseen_gap = max(
            max(metrics[f"acc_{s}_{f}"] for s in specialists) - metrics[f"acc_mf_{f}"]
            for f in unseen
        )
        out.append(at_most("mf_gap_unseen_max", unseen_gap, 1.5, " points"))
    sas_gap = max(
        abs(metrics[f"acc_mf_{f}_sas"] - metrics[f"acc_mf_{f}"]) for f in evaluated
    )
    out.append(at_most("sas_gap_max", sas_gap, 0.5, " points"))
    return out


run = register(
    "mfqat",
    "MF-QAT: Multi-Format Quantization-Aware Training for Elastic Inference",
    "MX fake-quant QAT over several formats vs single-format specialists; Slice-and-Scale",
    11,
)(run)

__all__ = ["Config", "MXLinear", "build_mlp", "criteria", "run", "set_format"]
