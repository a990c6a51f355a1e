"""A small training loop, accuracy and PSNR, shared by the ``graphkit.extras`` experiments."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

logger = logging.getLogger(__name__)


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator seeded with ``seed``."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def minibatches(
    num_samples: int, batch_size: int, generator: torch.Generator | None = None
) -> list[torch.Tensor]:
    """Split a random permutation of ``range(num_samples)`` into index batches.

    Raises:
        ValueError: ``batch_size`` is below 1.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} is invalid. Use a value >= 1.")
    order = torch.randperm(num_samples, generator=generator)
    return list(order.split(batch_size))


def train_classifier(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int,
    lr: float = 1e-3,
    batch_size: int = 64,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    cosine: bool = False,
    generator: torch.Generator | None = None,
    loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]
    | None = None,
    after_step: Callable[[int], None] | None = None,
    optimizer_instance: torch.optim.Optimizer | None = None,
) -> list[float]:
    """Train ``model`` with cross-entropy and return the mean loss of each epoch.

    Args:
        model (nn.Module): maps ``x[batch]`` to logits ``(B, C)``.
        x (Tensor): inputs, first dimension the sample index.
        y (Tensor): ``(N,)`` integer labels.
        epochs (int): passes over the data.
        lr (float, default 1e-3): learning rate.
        batch_size (int, default 64): samples per step.
        optimizer (str, default "adam"): ``"adam"`` or ``"sgd"`` (momentum 0.9, Nesterov).
        weight_decay (float, default 0.0): L2 penalty passed to the optimizer.
        cosine (bool, default False): cosine-anneal the learning rate to zero per step.
        generator (torch.Generator, optional): shuffling order.
        loss_fn (callable, optional): ``loss_fn(model, xb, yb)`` replaces cross-entropy,
            for example to sum losses over several quantization formats.
        after_step (callable, optional): called with the global step after each update,
            for example to re-apply sparse masks.
        optimizer_instance (Optimizer, optional): a ready optimizer, used instead of
            building one from ``optimizer``, ``lr`` and ``weight_decay``.
    """
    _check_training_data(x, y, batch_size)
    if optimizer_instance is not None:
        opt = optimizer_instance
    else:
        opt = _make_optimizer(model, optimizer, lr, weight_decay)
    steps_per_epoch = (len(x) + batch_size - 1) // batch_size
    scheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * steps_per_epoch)
        if cosine
        else None
    )
    step = 0
    history = []
    model.train()
    for _epoch in range(epochs):
        total = 0.0
        for batch in minibatches(len(x), batch_size, generator):
            loss = _optimizer_step(model, x[batch], y[batch], opt, scheduler, loss_fn)
            step += 1
            if after_step is not None:
                after_step(step)
            total += float(loss.detach()) * len(batch)
        history.append(total / len(x))
    model.eval()
    return history


def _check_training_data(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> None:
    """Raise ValueError for empty or unpaired inputs and labels, or batch_size < 1."""
    if len(x) == 0 or len(x) != len(y):
        raise ValueError(
            f"invalid training data: {len(x)} inputs and {len(y)} labels. Pass at "
            "least one input and exactly one label per input."
        )
    if batch_size < 1:
        # With batch_size 0 the step count per epoch in train_classifier would divide
        # by zero.
        raise ValueError(f"batch_size={batch_size} is invalid. Use a value >= 1.")


def _make_optimizer(
    model: nn.Module, optimizer: str, lr: float, weight_decay: float
) -> torch.optim.Optimizer:
    """Build Adam, or SGD with Nesterov momentum 0.9, over the parameters of ``model``."""
    if optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    if optimizer == "sgd":
        return torch.optim.SGD(
            model.parameters(),
            lr=lr,
            momentum=0.9,
            nesterov=True,
            weight_decay=weight_decay,
        )
    raise ValueError(f"optimizer={optimizer!r} is invalid; expected adam or sgd")


def _optimizer_step(
    model: nn.Module,
    xb: torch.Tensor,
    yb: torch.Tensor,
    opt: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None,
    loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor] | None,
) -> torch.Tensor:
    """Take one optimizer (and scheduler) step on the batch and return its loss."""
    if loss_fn is None:
        loss = nn.functional.cross_entropy(model(xb), yb)
    else:
        loss = loss_fn(model, xb, yb)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if scheduler is not None:
        scheduler.step()
    return loss


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """Return the arg-max class of ``model`` on ``x`` in eval mode, shape ``(N,)``."""
    if len(x) == 0:
        # torch.cat below would reject the empty list of batches.
        return torch.empty(0, dtype=torch.long, device=x.device)
    was_training = model.training
    model.eval()
    out = torch.cat(
        [model(x[i : i + batch_size]).argmax(-1) for i in range(0, len(x), batch_size)]
    )
    model.train(was_training)
    return out


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Return classification accuracy in percent (0-100) of ``model`` on ``(x, y)``.

    Raises:
        ValueError: if there are no samples, or ``y`` is not of shape ``(len(x),)``
            (a ``(N, 1)`` label column would broadcast to ``(N, N)`` comparisons).
    """
    if len(x) == 0 or tuple(y.shape) != (len(x),):
        raise ValueError(
            f"invalid labels of shape {tuple(y.shape)} for {len(x)} inputs. Pass at "
            f"least one input and labels of shape ({len(x)},)."
        )
    return 100.0 * float((predict(model, x) == y).float().mean())


def psnr(
    estimate: torch.Tensor, reference: torch.Tensor, data_range: float = 1.0
) -> float:
    """Return the peak signal-to-noise ratio 10 log10(range^2 / MSE) in dB (inf if equal).

    Raises:
        ValueError: if the shapes differ, which would broadcast silently, or are empty.
    """
    if estimate.shape != reference.shape or reference.numel() == 0:
        raise ValueError(
            f"invalid psnr inputs: estimate {tuple(estimate.shape)} and reference "
            f"{tuple(reference.shape)}. Pass two non-empty tensors of the same shape."
        )
    mse = float(torch.mean((estimate.double() - reference.double()) ** 2))
    if mse == 0.0:
        return float("inf")
    return 10.0 * float(np.log10(data_range**2 / mse))
