"""Multi-label node metrics: a binary metric per task, averaged over tasks.

``targets`` has shape ``[N, T]`` with 1, 0 or ``UNLABELLED`` (-1) per entry, as
:func:`graphkit.train.multilabel.multi_label_targets` returns them, and the logits have
one column per task. A task's score uses only the nodes labelled for it. As in
:mod:`graphkit.train.metrics`, every rank computes the global value from tensors summed
over ranks with ``graph.reduce_sum`` under :data:`METRIC_LABEL`. All tasks share each
reduction, so a split costs at most three of them, whatever the number of tasks.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.graph import Graph
from graphkit.train import metrics
from graphkit.train.metrics import METRIC_LABEL, _mann_whitney
from graphkit.train.multilabel import UNLABELLED


def multi_label_accuracy(logits: Tensor, targets: Tensor, mask: Tensor, graph: Graph) -> float:
    """Return the mean over tasks of the fraction of labelled nodes predicted correctly.

    A node is predicted positive when its logit is above 0 (probability above 0.5).
    Tasks without a labelled node in the split are left out of the mean, and the
    result is NaN when no task has one.
    """
    labels = targets[mask]
    labelled = labels != UNLABELLED
    right = ((logits[mask].detach() > 0) == (labels == 1)) & labelled
    sums = torch.stack([right.sum(0), labelled.sum(0)]).to(torch.float64)
    correct, total = graph.reduce_sum(sums, label=METRIC_LABEL)
    scored = total > 0
    if not bool(scored.any()):
        return float("nan")
    return float((correct[scored] / total[scored]).mean())


def multi_label_roc_auc(logits: Tensor, targets: Tensor, mask: Tensor, graph: Graph) -> float:
    """Return the mean ROC-AUC over the tasks that have both classes in the split.

    This follows the ogbn-proteins evaluation rule. A task whose labelled nodes in the
    split are all positive or all negative has no ROC-AUC and is left out of the mean. The
    result is NaN when no task has both classes, or when a labelled node of a task
    has a NaN logit.

    Per task the method is that of :func:`graphkit.train.metrics.roc_auc`, with the
    task's logit as the score. A task with up to ``2 * AUC_BINS`` labelled nodes gets
    the exact Mann-Whitney value, with every score gathered on every rank (8 bytes per
    labelled entry). A larger task sums two histograms of ``AUC_BINS`` bins of the
    sigmoid probability instead (``2 * 8 * AUC_BINS`` bytes per task).
    """
    scores = logits[mask].detach().to(torch.float64)
    labels = targets[mask].long()
    counts = class_counts(labels, graph)
    totals = counts.sum(0)  # [T, 2]: negatives and positives of each task
    defined = (totals > 0).all(1)
    exact = defined & (totals.sum(1) <= 2 * metrics.AUC_BINS)
    binned = defined & ~exact
    aucs = []
    if bool(exact.any()):
        aucs.append(_exact_aucs(scores, labels, counts, exact, graph))
    if bool(binned.any()):
        aucs.append(_histogram_aucs(scores[:, binned], labels[:, binned], graph))
    if not aucs:
        return float("nan")
    return float(torch.cat(aucs).mean())


def class_counts(labels: Tensor, graph: Graph) -> Tensor:
    """Return the negatives and positives of each task on each rank, shape ``[W, T, 2]``."""
    counts = torch.zeros(
        graph.world_size, labels.size(1), 2, dtype=torch.float64, device=labels.device
    )
    counts[graph.rank, :, 0] = (labels == 0).sum(0).double()
    counts[graph.rank, :, 1] = (labels == 1).sum(0).double()
    return graph.reduce_sum(counts, label=METRIC_LABEL)


def _exact_aucs(
    scores: Tensor, labels: Tensor, counts: Tensor, tasks: Tensor, graph: Graph
) -> Tensor:
    """Compute the exact ROC-AUC of each task in bool mask ``tasks`` from one sum over ranks.

    One vector contains a block per selected task: its negatives' scores, then its
    positives'. Each rank writes its scores of a (task, class) pair at its offset
    within that pair, so the sum over ranks gathers every score next to its label.
    Both loops take one task at a time, whose columns fit in the CPU cache. With
    86,619 nodes and 112 tasks, one pass over all tasks at once ran slower (see the
    multi-label ROC-AUC section of ``docs/benchmarks.md``).
    """
    selected = tasks.nonzero().view(-1)
    totals = counts.sum(0)[selected]  # [S, 2]
    sizes = totals.sum(1)
    block_start = torch.cumsum(sizes, 0) - sizes
    rank_offset = (torch.cumsum(counts, 0) - counts)[graph.rank, selected]  # [S, 2]
    class_start = torch.stack([torch.zeros_like(sizes), totals[:, 0]], 1)
    first = (block_start.unsqueeze(1) + class_start + rank_offset).long().tolist()
    task_scores = scores.t()[selected]  # [S, n], one contiguous row per task
    task_labels = labels.t()[selected]
    gathered = torch.zeros(int(sizes.sum()), dtype=torch.float64, device=scores.device)
    for row, starts in enumerate(first):
        for label, start in enumerate(starts):
            values = task_scores[row].masked_select(task_labels[row] == label)
            gathered[start : start + values.numel()] = values
    gathered = graph.reduce_sum(gathered, label=METRIC_LABEL)
    aucs = []
    bounds = torch.stack([block_start, sizes, totals[:, 0]], 1).long().tolist()
    for start, size, negatives in bounds:
        aucs.append(_mann_whitney(gathered[start : start + size], negatives))
    return torch.tensor(aucs, dtype=torch.float64)


def _histogram_aucs(scores: Tensor, labels: Tensor, graph: Graph) -> Tensor:
    """Compute each task's ROC-AUC from per-class histograms of its sigmoid probability.

    Two probabilities in one of the ``AUC_BINS`` bins on [0, 1] count as a tie, half
    a correct pair, as in :func:`graphkit.train.metrics.roc_auc`. A task with a NaN
    score on a labelled node gets NaN.
    """
    bins = metrics.AUC_BINS
    labelled = labels != UNLABELLED
    task = torch.arange(labels.size(1), device=labels.device).expand_as(labels)
    prob = torch.sigmoid(scores)
    bin_index = (prob.nan_to_num(0.0) * bins).long().clamp(max=bins - 1)
    hist = torch.zeros(labels.size(1), 2, bins, dtype=torch.float64, device=scores.device)
    hist.index_put_(
        (task[labelled], labels[labelled], bin_index[labelled]),
        torch.ones(int(labelled.sum()), dtype=torch.float64, device=scores.device),
        accumulate=True,
    )
    # A task with a NaN probability on a labelled node gets a NaN sum on every rank.
    nan = (torch.isnan(prob) & labelled).any(0)
    hist[:, 0, 0] += torch.where(nan, float("nan"), 0.0)
    hist = graph.reduce_sum(hist, label=METRIC_LABEL)
    negative, positive = hist[:, 0], hist[:, 1]
    negative_below = torch.cumsum(negative, 1) - negative  # strictly lower bins
    pairs = positive.sum(1) * negative.sum(1)
    right = (positive * negative_below).sum(1) + 0.5 * (positive * negative).sum(1)
    return (right / pairs).cpu()


MULTI_LABEL_METRICS = {"accuracy": multi_label_accuracy, "roc_auc": multi_label_roc_auc}
