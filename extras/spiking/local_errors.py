"""Deep supervised learning with local errors from fixed random classifiers.

Mostafa, Ramesh and Cauwenberghs, "Deep supervised learning using local errors",
Frontiers in Neuroscience 12, 2018. Every hidden layer l of an MLP has a fixed random
classifier M_l (never trained) and its own loss

.. math::
    L_l = \\mathrm{CE}(M_l h_l,\\ y), \\qquad ΔW_l ∝ -∂L_l / ∂W_l

The input of each layer is detached, so no error crosses layers and every layer can be
updated as soon as its own forward pass is done. The top layer is an ordinary trained
classifier on the detached last hidden layer.

Three reference arms use the same network and optimizer. Backpropagation; feedback
alignment, whose backward pass through each layer uses a fixed random matrix B_l in
place of W_lᵀ; and training only the top layer on random hidden features.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..common.data import load_digits_split
from ..common.train import accuracy, seed_everything, train_classifier
from ..registry import Criterion, at_least, at_most, register

logger = logging.getLogger(__name__)

ARMS = ("backprop", "local_errors", "feedback_alignment", "last_layer_only")


@dataclass
class Config:
    """Settings of the local-errors experiment.

    Attributes:
        hidden: width of each of the three ReLU hidden layers.
        epochs: passes over the 1,437 training digits.
        batch_size: samples per Adam step.
        lr: Adam learning rate.
        seed: seed of the data split.
        init_seeds: one training run per seed (initial weights, fixed random matrices
            and batch order); the metrics are means over these runs.
    """

    hidden: int = 256
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 0
    init_seeds: tuple[int, ...] = (0, 1, 2)

    def __post_init__(self) -> None:
        for name in ("hidden", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected >= 1"
                )
        if not self.init_seeds:
            raise ValueError("init_seeds is empty; give at least one seed")
        if not self.lr > 0:
            raise ValueError(f"lr={self.lr} is invalid; expected > 0")

    @classmethod
    def smoke(cls) -> Config:
        """Return the variant that runs in a few seconds."""
        return cls(hidden=64, epochs=3, init_seeds=(0,))


class _FeedbackAlignmentLinear(torch.autograd.Function):
    """y = x Wᵀ + b forward; the input gradient uses the fixed matrix B in place of W."""

    @staticmethod
    def forward(
        ctx, x: Tensor, weight: Tensor, bias: Tensor, feedback: Tensor
    ) -> Tensor:
        ctx.save_for_backward(x, feedback)
        return x @ weight.t() + bias

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        x, feedback = ctx.saved_tensors
        grad_x = grad_output @ feedback
        return grad_x, grad_output.t() @ x, grad_output.sum(0), None


class LocalMLP(nn.Module):
    """64 -> hidden x 3 (ReLU) -> 10, trainable as any of ``ARMS``.

    Args:
        hidden (int): width of the hidden layers.
        arm (str): one of ``ARMS``; sets how errors reach the hidden layers.
        generator (torch.Generator): source of the initial and fixed random matrices.
    """

    def __init__(self, hidden: int, arm: str, generator: torch.Generator) -> None:
        super().__init__()
        if arm not in ARMS:
            raise ValueError(f"arm must be one of {ARMS}, got {arm!r}")
        self.arm = arm
        sizes = [64, hidden, hidden, hidden, 10]
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])
        )
        for layer in self.layers:
            bound = 1.0 / math.sqrt(layer.in_features)
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)
        # Fixed random classifiers M_l (one per hidden layer) and feedback matrices B_l.
        self.classifiers = [
            torch.randn(10, hidden, generator=generator) / math.sqrt(hidden)
            for _ in range(3)
        ]
        self.feedback = [
            torch.randn(layer.weight.shape, generator=generator)
            / math.sqrt(layer.in_features)
            for layer in self.layers
        ]
        if arm == "last_layer_only":
            for layer in self.layers[:-1]:
                layer.requires_grad_(False)

    def _linear(self, index: int, x: Tensor) -> Tensor:
        layer = self.layers[index]
        if self.arm == "feedback_alignment":
            return _FeedbackAlignmentLinear.apply(
                x, layer.weight, layer.bias, self.feedback[index]
            )
        return layer(x)

    def hidden_states(self, x: Tensor) -> list[Tensor]:
        """Return the three hidden activations; inputs are detached for local learning."""
        states = []
        for index in range(3):
            if self.arm == "local_errors":
                x = x.detach()
            x = torch.relu(self._linear(index, x))
            states.append(x)
        return states

    def forward(self, x: Tensor) -> Tensor:
        top_input = self.hidden_states(x)[-1]
        if self.arm in ("local_errors", "last_layer_only"):
            top_input = top_input.detach()
        return self._linear(3, top_input)


def local_losses(model: LocalMLP, x: Tensor, y: Tensor) -> list[Tensor]:
    """Return [L_1, L_2, L_3, L_top]: the fixed-classifier losses and the top-layer loss."""
    states = model.hidden_states(x)
    losses = [
        nn.functional.cross_entropy(h @ m.t(), y)
        for h, m in zip(states, model.classifiers)
    ]
    top = model.layers[3](states[-1].detach())
    return [*losses, nn.functional.cross_entropy(top, y)]


def _local_loss_sum(model: nn.Module, x: Tensor, y: Tensor) -> Tensor:
    return sum(local_losses(model, x, y))


@register(
    "local_errors",
    title="Deep supervised learning using local errors",
    summary="MLP layers trained only by fixed random local classifiers; vs BP and FA",
    issue_group=12,
)
def run(config: Config) -> dict[str, float]:
    """Train every arm from the same initial weights; return mean test accuracies."""
    seed_everything(config.seed)
    data = load_digits_split(seed=config.seed)
    metrics: dict[str, float] = {}
    for arm in ARMS:
        accuracies = []
        for init_seed in config.init_seeds:
            model = LocalMLP(
                config.hidden, arm, torch.Generator().manual_seed(init_seed)
            )
            train_classifier(
                model,
                data.x_train,
                data.y_train,
                epochs=config.epochs,
                lr=config.lr,
                batch_size=config.batch_size,
                generator=torch.Generator().manual_seed(init_seed + 1000),
                loss_fn=_local_loss_sum if arm == "local_errors" else None,
            )
            accuracies.append(accuracy(model, data.x_test, data.y_test))
        metrics[f"{arm}_accuracy"] = sum(accuracies) / len(accuracies)
        metrics[f"{arm}_accuracy_min"] = min(accuracies)
        logger.info("%s: %s", arm, [round(a, 2) for a in accuracies])
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Mean accuracy of local errors >= 95%, within 3 points of backprop, no worse than
    feedback alignment (0.5-point tolerance, under two test digits) and >= 3 points
    above training the last layer only."""
    local = metrics["local_errors_accuracy"]
    return [
        at_least("local_errors_accuracy", local, 95.0, "%"),
        at_most(
            "gap_to_backprop", metrics["backprop_accuracy"] - local, 3.0, " points"
        ),
        at_least(
            "gain_over_feedback_alignment",
            local - metrics["feedback_alignment_accuracy"],
            -0.5,
            " points",
        ),
        at_least(
            "gain_over_last_layer_only",
            local - metrics["last_layer_only_accuracy"],
            3.0,
            " points",
        ),
    ]
