"""The labels a Trainer trains on, and the model's output width they imply.

Class ids give one output per class, counted over all ranks. ``T`` binary tasks
(``y`` of shape ``[N, T]``, see :mod:`graphkit.train.multilabel`) give one output per
task, and every rank must have the same ``T``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.graph import Graph
from graphkit.train.inputs import label_vector
from graphkit.train.multilabel import is_multi_label, multi_label_targets


def training_labels(
    y: Tensor, graph: Graph, device: torch.device
) -> tuple[bool, Tensor, int]:
    """Return whether ``y`` is multi-label, the training targets, and the output width."""
    if is_multi_label(y):
        labels = multi_label_targets(y)
        return True, labels, count_tasks(labels, graph, device)
    # cross_entropy accepts only int64 (or uint8) class ids, and numpy often
    # gives int32 labels, so the trainer keeps an int64 copy.
    # Labels of shape [N, 1] (OGB's layout) become [N], as in graphkit.metrics.
    labels = label_vector(y).long()
    return False, labels, class_count(labels, graph)


def class_count(labels: Tensor, graph: Graph) -> int:
    """Return one more than the largest class id in ``labels`` over all ranks.

    A rank without labels (a partition without nodes, or no split node) contributes
    -1 to the maximum, so the result is 0 when no rank has a label.
    """
    local_max = labels.max() if labels.numel() else labels.new_tensor(-1)
    return int(graph.reduce_max(local_max.reshape(1)).item()) + 1


def count_tasks(labels: Tensor, graph: Graph, device: torch.device) -> int:
    """Return the number of tasks, and raise on every rank unless all ranks agree."""
    tasks = labels.size(1)
    bounds = torch.tensor([tasks, -tasks], device=device)
    max_tasks, negated_min_tasks = graph.reduce_max(bounds).tolist()
    if max_tasks != -negated_min_tasks:
        raise ValueError(
            f"data.y has {tasks} tasks (columns) on rank {graph.rank}, but the "
            f"ranks have {-negated_min_tasks} to {max_tasks}. Give every partition "
            "the same label columns"
        )
    return tasks


def split_classes(labels: Tensor, data, graph: Graph) -> int:
    """Return one more than the largest class id of a node in any split, over all ranks.

    A model needs that many outputs, because cross_entropy reads the logit of each
    split node's class. Returns 0 when no split contains a node.
    """
    split = data.train_mask | data.val_mask | data.test_mask
    return class_count(labels[split], graph)
