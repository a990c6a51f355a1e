"""Dynamic sparse reparameterization (DSR) against static, SET and dense training.

Mostafa and Wang, "Parameter Efficient Training of Deep Convolutional Neural Networks by
Dynamic Sparse Reparameterization", ICML 2019 (arXiv:1902.05967). Every sparse layer
starts with a random mask at the target density. Every ``realloc_every`` steps:

1. prune, in all layers, the active weights with ``|w| < H`` for one global threshold
   ``H``; ``K_l`` are pruned and ``R_l`` survive in layer ``l``, ``K = sum_l K_l``;
2. adapt ``H`` toward the target prune count ``N_p``: ``H <- 2H`` if
   ``K < (1 - delta) N_p``, ``H <- H / 2`` if ``K > (1 + delta) N_p``;
3. regrow ``G_l = K R_l / sum_j R_j`` weights in layer ``l`` (rounded so that
   ``sum_l G_l = K``) at random free positions, initialized to zero.

The number of non-zero weights is therefore constant while the per-layer densities
move. SET (Mocanu et al., 2018) prunes the smallest fraction of each layer and regrows
the same count in the same layer. Demo: a 64-300-100-10 MLP on scikit-learn digits,
every layer sparse, accuracies averaged over seeds.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import torch
from graphkit.extras.common.data import load_digits_split
from graphkit.extras.common.sparse import (
    MaskedLinear,
    grow_random,
    magnitude_prune,
    random_mask,
)
from graphkit.extras.common.train import accuracy, seed_everything, train_classifier
from graphkit.extras.registry import Criterion, at_least, register
from torch import nn

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """DSR experiment settings.

    Attributes:
        hidden: hidden widths of the MLP.
        density: fraction of non-zero weights over all layers (equal per layer at start).
        epochs, lr, batch_size: Adam training, shared by every arm.
        realloc_every: steps between reallocations.
        prune_fraction: target prune count as a fraction of the non-zeros
            (``N_p`` for DSR, the per-layer fraction for SET).
        initial_threshold: DSR's starting ``H``; tolerance: ``delta``.
        seeds: accuracies are averaged over these seeds (the dense arm uses the first).
        arms: training arms; static and dsr are required.
    """

    hidden: tuple[int, ...] = (300, 100)
    density: float = 0.05
    epochs: int = 40
    lr: float = 2e-3
    batch_size: int = 64
    realloc_every: int = 50
    prune_fraction: float = 0.05
    initial_threshold: float = 1e-3
    tolerance: float = 0.1
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    arms: tuple[str, ...] = field(default=("dense", "static", "set", "dsr"))

    def __post_init__(self) -> None:
        if not 0 < self.density <= 1:
            raise ValueError(f"density={self.density} must lie in (0, 1]")
        if not 0 < self.prune_fraction < 1:
            raise ValueError(f"prune_fraction={self.prune_fraction} must lie in (0, 1)")
        unknown = set(self.arms) - {"dense", "static", "set", "dsr"}
        if unknown or not {"static", "dsr"} <= set(self.arms):
            raise ValueError(
                f"arms={self.arms}: need static and dsr, optional dense and set"
            )
        if len(set(self.arms)) < len(self.arms):
            # run() adds each arm's accuracy into acc_<arm>, so a repeated arm would
            # count twice.
            raise ValueError(f"arms={self.arms} repeats an arm. List each arm once.")
        if not 0 < self.lr < math.inf or self.batch_size < 1:
            raise ValueError(
                f"lr={self.lr} or batch_size={self.batch_size} is invalid. "
                "Use a finite lr > 0 and batch_size >= 1."
            )
        if not 0 < self.initial_threshold < math.inf or self.tolerance < 0:
            # A threshold of 0 stays 0 under doubling, so DSR would never prune.
            raise ValueError(
                f"initial_threshold={self.initial_threshold} or "
                f"tolerance={self.tolerance} is invalid. "
                "Use a finite initial_threshold > 0 and tolerance >= 0."
            )
        if self.realloc_every < 1 or self.epochs < 1 or not self.seeds:
            raise ValueError(
                "realloc_every, epochs and seeds must be positive / non-empty"
            )
        # A zero width leaves layers without weights, and the first-layer share of
        # the non-zeros would divide by zero.
        if any(width < 1 for width in self.hidden):
            raise ValueError(
                f"hidden={self.hidden} is invalid. Give layer widths >= 1."
            )

    @classmethod
    def smoke(cls) -> Config:
        return cls(epochs=4, seeds=(0,), realloc_every=10)


def build_sparse_mlp(
    hidden: tuple[int, ...], density: float, generator: torch.Generator
) -> nn.Sequential:
    """Build the MLP of ``MaskedLinear`` layers, each with a random mask at ``density``."""
    widths = (64, *hidden, 10)
    layers: list[nn.Module] = []
    for index in range(len(widths) - 1):
        layer = MaskedLinear(widths[index], widths[index + 1])
        layer.mask.copy_(
            random_mask(layer.weight.shape, density=density, generator=generator)
        )
        layer.apply_mask_()
        layers.append(layer)
        if index < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` with an exact sum."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        shares = [total / len(weights)] * len(weights)
    else:
        shares = [total * w / weight_sum for w in weights]
    counts = [math.floor(s) for s in shares]
    order = sorted(
        range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True
    )
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Reallocator:
    """DSR or SET reallocation of the masks of ``layers``; keeps the non-zero count.

    Attributes:
        history: one dict per reallocation (pruned count, threshold, layer densities).
    """

    def __init__(
        self,
        layers: list[MaskedLinear],
        optimizer: torch.optim.Optimizer,
        config: Config,
        mode: str,
        generator: torch.Generator,
    ) -> None:
        self.layers, self.optimizer, self.config = layers, optimizer, config
        self.mode, self.generator = mode, generator
        self.threshold = config.initial_threshold
        self.total = sum(layer.nonzero_count() for layer in layers)
        self.target = config.prune_fraction * self.total
        self.history: list[dict] = []
        self.nonzero_violations = 0

    @torch.no_grad()
    def step(self) -> None:
        if self.mode == "dsr":
            pruned, grow_counts = self._prune_global()
        else:
            pruned, grow_counts = self._prune_per_layer()
        for layer, count in zip(self.layers, grow_counts):
            self._grow(layer, count)
        nonzero = sum(layer.nonzero_count() for layer in self.layers)
        self.nonzero_violations += int(nonzero != self.total)
        self.history.append(
            {
                "pruned": pruned,
                "threshold": self.threshold,
                "densities": [
                    float(layer.mask.float().mean()) for layer in self.layers
                ],
            }
        )

    def _prune_global(self) -> tuple[int, list[int]]:
        pruned_counts, surviving = [], []
        for layer in self.layers:
            drop = layer.mask & (layer.weight.abs() < self.threshold)
            layer.mask &= ~drop
            pruned_counts.append(int(drop.sum()))
            surviving.append(layer.nonzero_count())
        pruned = sum(pruned_counts)
        if pruned < (1 - self.config.tolerance) * self.target:
            self.threshold *= 2.0
        elif pruned > (1 + self.config.tolerance) * self.target:
            self.threshold /= 2.0
        grow = largest_remainder(pruned, [float(r) for r in surviving])
        free = [layer.mask.numel() - layer.nonzero_count() for layer in self.layers]
        # A layer cannot take more than its free positions; pass the excess to the others.
        excess = 0
        for index, (count, room) in enumerate(zip(grow, free)):
            if count > room:
                excess += count - room
                grow[index] = room
        for index in range(len(grow)):
            extra = min(excess, free[index] - grow[index])
            grow[index] += extra
            excess -= extra
        return pruned, grow

    def _prune_per_layer(self) -> tuple[int, list[int]]:
        counts = []
        for layer in self.layers:
            count = round(self.config.prune_fraction * layer.nonzero_count())
            layer.mask.copy_(magnitude_prune(layer.weight, layer.mask, count))
            counts.append(count)
        return sum(counts), counts

    def _grow(self, layer: MaskedLinear, count: int) -> None:
        positions = grow_random(layer.mask, count, self.generator)
        layer.mask.view(-1)[positions] = True
        layer.weight.view(-1)[positions] = 0.0
        state = self.optimizer.state.get(layer.weight, {})
        # Adam's moments and SGD's momentum buffer. A stale value from before the
        # weight was pruned would move the regrown weight away from zero.
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"):
            if key in state and state[key] is not None:
                state[key].view(-1)[positions] = 0.0
        layer.apply_mask_()


def _train_arm(
    arm: str, config: Config, data, seed: int
) -> tuple[float, Reallocator | None]:
    generator = seed_everything(seed)
    density = 1.0 if arm == "dense" else config.density
    model = build_sparse_mlp(config.hidden, density, generator)
    layers = [m for m in model.modules() if isinstance(m, MaskedLinear)]
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    reallocator = (
        Reallocator(layers, optimizer, config, arm, generator)
        if arm in ("dsr", "set")
        else None
    )

    def after_step(step: int) -> None:
        for layer in layers:
            layer.apply_mask_()
        if reallocator is not None and step % config.realloc_every == 0:
            reallocator.step()

    train_classifier(
        model,
        data.x_train,
        data.y_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        generator=generator,
        after_step=after_step,
        optimizer_instance=optimizer,
    )
    return accuracy(model, data.x_test, data.y_test), reallocator


def run(config: Config) -> dict[str, float]:
    """Train every arm for every seed; return mean accuracies and DSR's mask statistics."""
    data = load_digits_split()
    steps = config.epochs * math.ceil(len(data.x_train) / config.batch_size)
    if config.realloc_every > steps:
        # DSR's statistics describe its reallocations, so a run without one has none.
        raise ValueError(
            f"realloc_every={config.realloc_every} exceeds the {steps} training steps "
            f"({config.epochs} epochs of {len(data.x_train)} digits in batches of "
            f"{config.batch_size}), so no reallocation would run. Lower realloc_every "
            "or raise epochs."
        )
    metrics: dict[str, float] = {}
    violations = 0
    for seed in config.seeds:
        for arm in config.arms:
            if arm == "dense" and seed != config.seeds[0]:
                continue  # the dense reference is not part of a criterion; one seed suffices
            acc, reallocator = _train_arm(arm, config, data, seed)
            runs = 1 if arm == "dense" else len(config.seeds)
            metrics[f"acc_{arm}"] = metrics.get(f"acc_{arm}", 0.0) + acc / runs
            if reallocator is not None:
                violations += reallocator.nonzero_violations
            if arm == "dsr" and seed == config.seeds[0]:
                metrics.update(_dsr_statistics(reallocator))
        logger.info("seed %d done", seed)
    metrics["nonzero_count_violations"] = float(violations)
    return metrics


def _dsr_statistics(reallocator: Reallocator) -> dict[str, float]:
    history = reallocator.history
    densities = [h["densities"] for h in history]
    start_share = _share(reallocator, [reallocator.config.density] * len(densities[0]))
    end_share = _share(reallocator, densities[-1])
    last_half = history[len(history) // 2 :]
    deviation = [
        abs(h["pruned"] - reallocator.target) / reallocator.target for h in last_half
    ]
    return {
        "dsr_first_layer_share_change": abs(end_share - start_share) / start_share,
        "dsr_prune_count_deviation": sum(deviation) / max(len(deviation), 1),
        "dsr_reallocations": float(len(history)),
        "dsr_final_threshold": reallocator.threshold,
        **{f"dsr_final_density_layer{i + 1}": d for i, d in enumerate(densities[-1])},
    }


def _share(reallocator: Reallocator, densities: list[float]) -> float:
    """Fraction of all non-zeros that sit in the first layer."""
    counts = [d * layer.mask.numel() for d, layer in zip(densities, reallocator.layers)]
    return counts[0] / sum(counts)


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Constant non-zero count, DSR over static sparse and SET, reallocation across layers."""
    violations = metrics["nonzero_count_violations"]
    out = [
        Criterion("nonzero_count_violations", violations, "== 0", violations == 0.0),
        at_least(
            "dsr_minus_static",
            metrics["acc_dsr"] - metrics["acc_static"],
            1.5,
            " points",
        ),
    ]
    if "acc_set" in metrics:
        out.append(
            at_least(
                "dsr_minus_set", metrics["acc_dsr"] - metrics["acc_set"], 0.0, " points"
            )
        )
    out.append(
        at_least(
            "dsr_first_layer_share_change", metrics["dsr_first_layer_share_change"], 0.2
        )
    )
    # NOTE: dsr_prune_count_deviation is reported but not a criterion: with the x2 / /2
    # threshold rule the pruned count K keeps oscillating around N_p (about 0.3x to 3x).
    return out


run = register(
    "dsr",
    "Parameter Efficient Training of Deep CNNs by Dynamic Sparse Reparameterization",
    "global adaptive pruning threshold with cross-layer regrowth vs static sparse and SET",
    11,
)(run)
