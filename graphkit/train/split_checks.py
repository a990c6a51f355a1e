"""Checks on the sizes and classes of the train, validation and test splits.

They run once in the Trainer's constructor, on counts summed over all partitions, so
every rank reaches the same decision. An empty training split, or a validation split
whose metric is undefined, raises ``ValueError``. A split that only makes its own
score NaN gets a warning from rank 0.
"""

from __future__ import annotations

import logging

import torch
from torch import Tensor

from graphkit.graph import Graph
from graphkit.option_names import option
from graphkit.train.config import TrainConfig
from graphkit.train.multilabel_metrics import class_counts

logger = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")


# Pairs of splits that should share no node, in the order of ``split_overlaps``.
SPLIT_PAIRS = (("train", "val"), ("train", "test"), ("val", "test"))


def split_counts(data) -> Tensor:
    """Return the ``[3]`` local node counts of the train, validation and test masks."""
    return torch.stack([getattr(data, f"{s}_mask").sum() for s in SPLITS])


def split_overlaps(data) -> Tensor:
    """Return, for each pair in ``SPLIT_PAIRS``, the local count of nodes in both."""
    masks = {s: getattr(data, f"{s}_mask").bool() for s in SPLITS}
    return torch.stack([(masks[a] & masks[b]).sum() for a, b in SPLIT_PAIRS])


def warn_split_overlaps(global_overlaps: Tensor) -> None:
    """Warn about each pair of splits that shares nodes.

    A node in both the train and the test split is scored on a label it was trained
    on, so the test score overstates accuracy on unseen nodes. Training continues,
    because masks drawn on purpose this way (for example to measure the fit on the
    training nodes) are valid input.
    """
    for (first, second), shared in zip(SPLIT_PAIRS, global_overlaps.tolist()):
        if shared == 0:
            continue
        logger.warning(
            "%d node%s in both data.%s_mask and data.%s_mask, so the %s score is "
            "measured partly on nodes that %s. Make the masks disjoint unless this "
            "is intended",
            int(shared),
            " is" if shared == 1 else "s are",
            first,
            second,
            "validation" if second == "val" else second,
            "the model trains on" if first == "train" else "select the best epoch",
        )


def check_split_sizes(
    config: TrainConfig, global_counts: Tensor, compression, is_main: bool
) -> None:
    """Reject an empty training split; warn about an empty validation or test split.

    ``global_counts`` contains the node counts of the train, validation and test
    splits over all partitions. Without training nodes the loss is 0 and nothing
    is learned. Without validation nodes no epoch can be chosen as the best, so every
    epoch counts as the best one: the summary reports the last epoch and
    ``--patience`` never stops the run. The plateau schedule needs validation
    scores and is rejected then.
    """
    if float(global_counts[0]) == 0:
        raise ValueError(
            "data.train_mask selects no node, so the train split is empty. Choose a "
            f"split with labelled nodes in the training mask ({option('split')}, or "
            f"the split fractions in {option('dataset_options')})"
        )
    if float(global_counts[2]) == 0 and is_main:
        logger.warning(
            "data.test_mask selects no node, so the test score is NaN. Choose a "
            "split with test nodes (%s, or the split fractions in %s)",
            option("split"),
            option("dataset_options"),
        )
    if float(global_counts[1]) > 0:
        return
    if config.lr_schedule == "plateau":
        raise ValueError(
            f"{option('lr_schedule', 'plateau')} needs validation scores, but "
            "data.val_mask selects no node. Use a split with validation nodes or "
            f"another {option('lr_schedule')}"
        )
    # Without validation nodes the validation loss is 0 in every epoch, so the
    # adaptive schedule would halve the ratio after every patience epochs.
    if compression is not None and config.compression_schedule == "adaptive":
        raise ValueError(
            f"{option('compression_schedule', 'adaptive')} needs the validation "
            "loss, but data.val_mask selects no node. Use a split with validation "
            f"nodes or another {option('compression_schedule')}"
        )
    if is_main:
        logger.warning(
            "data.val_mask selects no node, so no epoch can be chosen by validation: "
            "the summary reports the last epoch and %s has no effect",
            option("patience"),
        )


def check_auc_classes(data, labels: Tensor, graph: Graph) -> None:
    """Reject a validation split whose labels are all one class; warn for the others.

    ROC-AUC is undefined (NaN) without both classes. On the validation split no
    epoch would ever count as best. A train or test split gets NaN in every log
    line, and a test split in the summary too.
    """
    local = []
    for split in SPLITS:
        split_labels = labels[getattr(data, f"{split}_mask")]
        local.append(torch.bincount(split_labels, minlength=2)[:2])
    counts = graph.reduce_sum(torch.stack(local).double()).tolist()
    for split, (negatives, positives) in zip(SPLITS, counts):
        if negatives + positives == 0 or (negatives > 0 and positives > 0):
            continue  # an empty split is reported by check_split_sizes
        name = "validation" if split == "val" else split
        problem = (
            f"metric roc_auc is undefined on the {name} split: it has "
            f"{int(positives)} node{'' if positives == 1 else 's'} of class 1 and "
            f"{int(negatives)} of class 0"
        )
        if split == "val":
            raise ValueError(
                f"{problem}. Use a split with both classes, or "
                f"{option('metric', 'accuracy')}"
            )
        if graph.rank == 0:
            logger.warning(
                "%s, so its score is NaN. Use a split with both classes, or %s",
                problem,
                option("metric", "accuracy"),
            )


def check_task_classes(
    data, labels: Tensor, graph: Graph, global_counts: Tensor, metric_name: str
) -> None:
    """Reject a validation split that scores no task, and warn about unscored tasks.

    ``labels`` are the ``[N, T]`` multi-label targets. A multi-label metric averages
    over the tasks that the split can score: for roc_auc those with both a positive
    and a negative label there, for accuracy those with a labelled node. Without any
    such task the metric is NaN, and on the validation split no epoch would ever
    count as best.
    """
    tasks = labels.size(1)
    for index, split in enumerate(SPLITS):
        if float(global_counts[index]) == 0:
            continue  # an empty split is reported by check_split_sizes
        split_labels = labels[getattr(data, f"{split}_mask")].long()
        totals = class_counts(split_labels, graph).sum(0)  # [T, 2]
        if metric_name == "roc_auc":
            need = "both a positive and a negative label"
            scored = int((totals > 0).all(1).sum())
            fix = (
                "a split with both labels for some task, or "
                f"{option('metric', 'accuracy')}"
            )
        else:
            need = "a labelled node"
            scored = int((totals.sum(1) > 0).sum())
            fix = "a split whose validation nodes have labels other than -1 and NaN"
        if scored == tasks:
            continue
        name = "validation" if split == "val" else split
        if scored == 0 and split == "val":
            raise ValueError(
                f"metric {metric_name} is undefined on the validation split: "
                f"none of its {tasks} tasks has {need} there. Use {fix}"
            )
        if graph.rank == 0:
            result = ("is NaN" if scored == 0
                      else f"averages over the other {scored} tasks")
            logger.warning(
                "%d of the %d tasks lack %s on the %s split, so its %s %s",
                tasks - scored, tasks, need, name, metric_name, result,
            )
