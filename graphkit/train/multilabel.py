"""Multi-label node targets: ``y`` of shape ``[N, T]`` with ``T > 1`` binary tasks.

This is the layout of ogbn-proteins (112 tasks). Entry ``y[i, t]`` is 1 (node ``i`` is
positive for task ``t``), 0 (negative) or -1 (unlabelled, and NaN too in float labels).
Unlabelled entries count in neither the loss nor the metrics. A ``y`` of shape ``[N, 1]``
stays one class id per node, and the dtype of ``y`` may be integer, bool or float.

The loss of node ``i`` is the binary cross-entropy summed over its labelled tasks,

.. math::
    \\ell_i = -\\sum_{t:\\, y_{it} \\ne -1} \\big[ y_{it} \\log \\sigma(z_{it})
    + (1 - y_{it}) \\log (1 - \\sigma(z_{it})) \\big],

with ``z`` the model's logits, one column per task. The trainer divides the sum of
``l_i`` over the training nodes by the global number of training nodes, as it does
for cross-entropy. With every entry labelled, that is ``T`` times the value of
``torch.nn.BCEWithLogitsLoss()``, whose default mean runs over all ``N * T`` entries.
"""

from __future__ import annotations

import logging

import torch
import torch.nn.functional as F
from torch import Tensor

logger = logging.getLogger(__name__)

UNLABELLED = -1


def is_multi_label(y: Tensor) -> bool:
    """Return whether ``y`` has the multi-label layout ``[N, T]`` with ``T > 1``."""
    return y.dim() == 2 and y.size(1) > 1


def check_multi_label_values(y: Tensor, nodes: Tensor) -> None:
    """Raise unless every entry of ``y`` on the nodes of bool mask ``nodes`` is 0, 1 or unlabelled.

    Logs a warning when ``y`` looks like one-hot class labels (see
    :func:`_warn_if_one_hot`).

    Raises:
        TypeError: If ``y`` is complex.
        ValueError: If an entry is another value, such as a class id of 2.
    """
    if y.is_complex():
        raise TypeError(
            f"data.y of shape {tuple(y.shape)} must contain 0/1 task labels, got {y.dtype}"
        )
    values = y[nodes]
    if y.dtype == torch.bool:
        _warn_if_one_hot(values, tuple(y.shape))
        return
    valid = (values == 0) | (values == 1) | (values == UNLABELLED)
    if values.is_floating_point():
        valid |= torch.isnan(values)
    if bool(valid.all()):
        _warn_if_one_hot(values, tuple(y.shape))
        return
    row, task = (~valid).nonzero()[0].tolist()
    node = int(nodes.nonzero()[row, 0])
    raise ValueError(
        f"data.y has shape {tuple(y.shape)}, which the trainer reads as {y.size(1)} "
        f"binary tasks (multi-label), but node {node} has the value "
        f"{values[row, task].item()} for task {task}. Give each task 1 (positive), "
        "0 (negative) or -1 (unlabelled, or NaN in float labels). For one class id "
        "per node, pass y of shape [N] or [N, 1]"
    )


def _warn_if_one_hot(values: Tensor, shape: tuple[int, ...]) -> None:
    """Warn when every row of the split's labels ``values`` has exactly one 1 and no -1.

    Such a ``y`` is most often one-hot class labels. The trainer reads it as ``T``
    binary tasks, whose mean accuracy is ``(T - 1) / T`` for a model that predicts no
    class, so one class per node needs ``y.argmax(1)``.
    """
    if values.numel() == 0:
        return
    if not bool(((values == 0) | (values == 1)).all()):
        return
    if not bool(((values == 1).sum(1) == 1).all()):
        return
    logger.warning(
        "data.y of shape %s has exactly one 1 in every row of the splits, like one-hot "
        "class labels, but the trainer reads it as %d binary tasks (multi-label) with "
        "a binary cross-entropy loss. For one class per node, pass data.y.argmax(1)",
        shape,
        values.size(1),
    )


def multi_label_targets(y: Tensor) -> Tensor:
    """Return ``y`` as int8 with ``UNLABELLED`` (-1) in place of NaN.

    Only entries that :func:`check_multi_label_values` accepted are read later, so the
    cast may wrap other values outside the splits.
    """
    if y.is_floating_point():
        y = torch.nan_to_num(y, nan=float(UNLABELLED), posinf=0.0, neginf=0.0)
    return y.to(torch.int8)


def multi_label_loss_sum(logits: Tensor, targets: Tensor, mask: Tensor) -> Tensor:
    """Return the binary cross-entropy summed over the labelled tasks of ``mask``'s nodes.

    ``targets`` comes from :func:`multi_label_targets`. The module docstring gives the
    formula.
    """
    target = targets[mask]
    labelled = (target != UNLABELLED).to(logits.dtype)
    return F.binary_cross_entropy_with_logits(
        logits[mask],
        target.clamp(min=0).to(logits.dtype),
        weight=labelled,
        reduction="sum",
    )
