"""A deeper GCN initialised from the closed-form solution, then fine-tuned.

Method: implicit SVD (Abu-El-Haija et al., NeurIPS 2021), "non-linear almost everywhere,
linear on a hyperplane". Every linear map is split into two ReLU branches whose
difference is the map itself while their weights are mirrored, because
:math:`\\mathrm{ReLU}(a) - \\mathrm{ReLU}(-a) = a`:

.. math::
    \\text{head}_l(h) = \\mathrm{ReLU}(h W_l^{+} + b_l) - \\mathrm{ReLU}(h W_l^{-}),
    \\qquad W_l^{+} = W_l,\\; W_l^{-} = -W_l,\\; b_l = 0 \\text{ at initialisation}

    h_{l+1} = \\mathrm{ReLU}(\\hat A (h_l F_l^{+} + c_l^{+} + h_l))
            - \\mathrm{ReLU}(\\hat A (h_l F_l^{-} + c_l^{-} - h_l)),
    \\qquad F^{\\pm} = 0,\\; c^{\\pm} = 0 \\text{ at initialisation}

so that :math:`h_l = \\hat A^l \\tilde X` and :math:`\\sum_l \\text{head}_l(h_l) = H W` at
initialisation: the network computes exactly the closed-form linear model of
:mod:`graphkit.embed.nodeclass`. Gradient steps move the branches apart and make it
non-linear. Fine-tuning here is full-batch (the authors sample subgraphs on large
graphs).
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphkit.embed.nodeclass import LinearSolution, accuracy, class_labels
from graphkit.train.loss import non_finite_loss_error

logger = logging.getLogger(__name__)


class SplitLinear(nn.Module):
    """``ReLU(h W+ + b) - ReLU(h W-)``, equal to ``h W`` when ``W- = -W+`` and ``b = 0``.

    Args:
        in_features (int): input width.
        out_features (int): output width.
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.positive = nn.Linear(in_features, out_features, bias=True)
        self.negative = nn.Linear(in_features, out_features, bias=False)

    @torch.no_grad()
    def load_linear(self, weight: Tensor) -> None:
        """Set the branches to compute ``h @ weight`` exactly; shape ``(in, out)``."""
        self.positive.weight.copy_(weight.T)
        self.positive.bias.zero_()
        self.negative.weight.copy_(-weight.T)

    def forward(self, h: Tensor) -> Tensor:
        return F.relu(self.positive(h)) - F.relu(self.negative(h))


class SplitPropagation(nn.Module):
    """One residual propagation step, equal to ``A^ h`` while its transforms are zero.

    Args:
        channels (int): feature width F (kept by the step).
    """

    def __init__(self, channels: int):
        super().__init__()
        self.positive = nn.Linear(channels, channels)
        self.negative = nn.Linear(channels, channels)
        for layer in (self.positive, self.negative):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, h: Tensor, adjacency: Tensor) -> Tensor:
        positive = torch.sparse.mm(adjacency, self.positive(h) + h)
        negative = torch.sparse.mm(adjacency, self.negative(h) - h)
        return F.relu(positive) - F.relu(negative)


class FixedPropagation(nn.Module):
    """The propagation step ``A^ h`` without parameters."""

    def forward(self, h: Tensor, adjacency: Tensor) -> Tensor:
        return torch.sparse.mm(adjacency, h)


class SVDInitializedGCN(nn.Module):
    """The network of the module docstring: L propagation steps and L + 1 output heads.

    Args:
        in_features (int): feature width F of X~.
        num_classes (int): output width.
        hops (int): number L of propagation steps.
        dropout (float, optional): dropout on the input features in training mode.
            (default: ``0.5``)
        train_propagation (bool, optional): give every propagation step its trainable
            split transform. ``False`` keeps the steps fixed at ``A^ h`` and trains the
            heads only, which costs O(F C) instead of O(F^2) parameters per hop.
            (default: ``True``)

    Shapes:
        x: ``(n, F)``; adjacency: sparse ``(n, n)``; output: ``(n, num_classes)``.
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        hops: int,
        dropout: float = 0.5,
        train_propagation: bool = True,
    ):
        super().__init__()
        self.heads = nn.ModuleList(
            SplitLinear(in_features, num_classes) for _ in range(hops + 1)
        )
        self.propagations = nn.ModuleList(
            SplitPropagation(in_features) if train_propagation else FixedPropagation()
            for _ in range(hops)
        )
        self.dropout = dropout

    @classmethod
    def from_linear_solution(
        cls,
        solution: LinearSolution,
        hops: int,
        dropout: float = 0.5,
        train_propagation: bool = True,
    ) -> SVDInitializedGCN:
        """Build the network that computes ``solution.design @ solution.weight`` exactly.

        The network is on the device of ``solution.weight``.
        """
        width = solution.features.shape[1]
        if solution.weight.shape[0] != (hops + 1) * width:
            raise ValueError(
                f"weight has {solution.weight.shape[0]} rows, expected (hops + 1) * F = "
                f"{(hops + 1) * width} for hops={hops} and F={width}"
            )
        model = cls(width, solution.weight.shape[1], hops, dropout, train_propagation)
        model = model.to(solution.weight.device)
        for hop, head in enumerate(model.heads):
            head.load_linear(solution.weight[hop * width : (hop + 1) * width])
        return model

    def forward(self, x: Tensor, adjacency: Tensor) -> Tensor:
        h = F.dropout(x, self.dropout, self.training)
        logits = self.heads[0](h)
        for propagation, head in zip(self.propagations, self.heads[1:]):
            h = propagation(h, adjacency)
            logits = logits + head(h)
        return logits


@dataclass(frozen=True)
class FinetuneConfig:
    """Full-batch fine-tuning settings.

    Attributes:
        epochs: number of full-batch Adam steps.
        lr: Adam learning rate.
        weight_decay: L2 coefficient on all weights.
        logit_scale: factor on the logits inside the cross-entropy only. The closed-form
            model is fitted to one-hot targets, so its logits differ by less than 1 and
            an unscaled softmax is nearly uniform.
        restore_best: at the end, load the weights of the epoch (0 = the SVD
            initialisation) with the best validation accuracy, the first one on ties,
            or of the last epoch when there are no validation nodes.
    """

    epochs: int = 5
    lr: float = 1e-4
    weight_decay: float = 1e-5
    logit_scale: float = 10.0
    restore_best: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        # The negated comparisons also reject NaN, which compares false to everything.
        if not 0 < self.lr < math.inf:
            raise ValueError(f"lr must be a finite number > 0, got {self.lr}")
        if not 0 <= self.weight_decay < math.inf:
            raise ValueError(
                f"weight_decay must be a finite number >= 0, got {self.weight_decay}"
            )
        if not 0 < self.logit_scale < math.inf:
            raise ValueError(
                f"logit_scale must be a finite number > 0, got {self.logit_scale}"
            )


def check_adam_step_size(optimizer: torch.optim.Adam) -> None:
    """Raise ValueError when Adam's first step size overflows the weights' dtype.

    Adam's step multiplies lr by 1 / (1 - beta1 ** step), which is largest at step 1
    (10 with the default beta1 = 0.9), and converts the product to the weights' dtype.
    A product above that dtype's maximum (about 3.4e38 for float32) stops the step with
    a RuntimeError that does not name lr.
    """
    for group in optimizer.param_groups:
        step_size = group["lr"] / (1 - group["betas"][0])
        for parameter in group["params"]:
            largest = torch.finfo(parameter.dtype).max
            if step_size > largest:
                raise ValueError(
                    f"lr {group['lr']:g} is too large: Adam's first step size "
                    f"lr / (1 - beta1) = {step_size:g} exceeds the largest "
                    f"{parameter.dtype} value {largest:g}. Pass an lr below "
                    f"{largest * (1 - group['betas'][0]):g}, such as the default "
                    f"{FinetuneConfig.lr:g}"
                )


def finetune(
    model: SVDInitializedGCN,
    features: Tensor,
    adjacency: Tensor,
    data,
    config: FinetuneConfig,
) -> list[dict[str, float]]:
    """Train ``model`` with softmax cross-entropy on ``data.train_mask``.

    Returns one record per epoch (and one for the initial model, epoch 0) with the
    training loss and the train, validation and test accuracy in evaluation mode.

    Raises:
        ValueError: ``config.lr`` is so large that Adam's first step size overflows
            the weights' dtype (see :func:`check_adam_step_size`).
        FloatingPointError: the training loss of an epoch is NaN or infinite. The
            model keeps the weights of the epoch before.
    """
    optimizer = torch.optim.Adam(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    check_adam_step_size(optimizer)
    history = [evaluate(model, features, adjacency, data, epoch=0)]
    best_state = copy.deepcopy(model.state_dict())
    best_val = history[0]["val"]
    # Without validation nodes the accuracy is NaN and no epoch could beat epoch 0, so
    # every epoch counts as the best one and the last weights are kept.
    has_validation = bool(data.val_mask.any())
    if config.epochs and not has_validation:
        logger.warning(
            "data.val_mask selects no node, so no epoch can be chosen by validation: "
            "fine-tuning keeps the weights of the last epoch"
        )
    for epoch in range(1, config.epochs + 1):
        tic = time.perf_counter()
        model.train()
        optimizer.zero_grad()
        logits = model(features, adjacency)
        scaled = config.logit_scale * logits[data.train_mask]
        loss = F.cross_entropy(scaled, class_labels(data.y)[data.train_mask])
        if not torch.isfinite(loss):
            # Raised before the optimizer step, which would make every weight NaN.
            raise non_finite_loss_error(loss.item(), epoch, features, model, config.lr)
        loss.backward()
        optimizer.step()
        record = evaluate(model, features, adjacency, data, epoch)
        record["loss"] = loss.detach().item()
        record["seconds"] = time.perf_counter() - tic
        history.append(record)
        if not has_validation or record["val"] > best_val:
            best_val = record["val"]
            best_state = copy.deepcopy(model.state_dict())
        logger.info(
            "epoch %d: loss %.4f, val %.4f, test %.4f (%.2fs)",
            epoch,
            record["loss"],
            record["val"],
            record["test"],
            record["seconds"],
        )
    if config.restore_best:
        model.load_state_dict(best_state)
    return history


@torch.no_grad()
def evaluate(
    model: nn.Module, features: Tensor, adjacency: Tensor, data, epoch: int
) -> dict:
    """Return the train, validation and test accuracy of ``model`` in evaluation mode."""
    model.eval()
    logits = model(features, adjacency)
    return {
        "epoch": epoch,
        "train": accuracy(logits, data.y, data.train_mask),
        "val": accuracy(logits, data.y, data.val_mask),
        "test": accuracy(logits, data.y, data.test_mask),
    }
