"""Build a Trainer's metric, model, optimizer and schedule from its config."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphkit.nn.models import GNN
from graphkit.train.config import TrainConfig
from graphkit.train.model_memory import check_training_memory


def choose_metric(config: TrainConfig, multi_label: bool, num_classes: int) -> str:
    """Return the name of the metric that ``config.metric`` selects.

    ``auto`` selects roc_auc for multi-label targets and for 2 classes, and accuracy
    otherwise. roc_auc on single-label targets needs exactly 2 classes.
    """
    if multi_label:
        # Both metrics are defined per task, then averaged over tasks.
        return "roc_auc" if config.metric == "auto" else config.metric
    if config.metric != "auto":
        if config.metric == "roc_auc" and num_classes != 2:
            raise ValueError(f"metric roc_auc needs 2 classes, the labels have {num_classes}")
        return config.metric
    return "roc_auc" if num_classes == 2 else "accuracy"


def build_model(
    config: TrainConfig, x: Tensor, num_classes: int, num_edges: int = 0
) -> GNN:
    """Build the config's GNN for the features ``x``, with ``num_classes`` outputs.

    ``num_edges`` is the number of stored edges of the graph the model runs on, which
    the memory check reads. The default 0 leaves the per-edge activations (EdgeConv
    messages, attention and max-aggregation chunks) out of that estimate.
    """
    c = config
    check_training_memory(c, x, num_classes, num_edges)
    model = GNN(
        c.model, x.size(1), c.hidden, num_classes, c.layers, c.dropout,
        None if c.norm == "none" else c.norm, c.residual, c.heads, c.attention_dropout,
    )
    # Parameters take the dtype of the features, so float64 features train in
    # float64 instead of failing in the first matrix product.
    return model.to(x.dtype)


def build_optimizer(config: TrainConfig, model: nn.Module) -> torch.optim.Optimizer:
    """Build Adam or AdamW over ``model``'s parameters."""
    c = config
    cls = torch.optim.AdamW if c.optimizer == "adamw" else torch.optim.Adam
    return cls(model.parameters(), lr=c.lr, weight_decay=c.weight_decay)


def build_scheduler(config: TrainConfig, optimizer: torch.optim.Optimizer):
    """Build the learning-rate schedule of ``config.lr_schedule`` (None for ``none``)."""
    c, opt = config, optimizer
    if c.lr_schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=c.epochs)
    if c.lr_schedule == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, c.epochs // 3), gamma=0.1)
    if c.lr_schedule == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=10)
    return None
