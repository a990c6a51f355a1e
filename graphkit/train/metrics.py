"""Node classification metrics that add up across partitions.

Each metric is computed from sums (counts, histograms), so a distributed run gets the
global value by summing those over ranks with ``graph.reduce_sum``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.graph import Graph

# Scores are binned into this many bins on [0, 1] for ROC-AUC. Two scores in one bin
# count as a tie (half a correct pair), so the result is exact up to ties closer than
# 1/65536 in predicted probability.
AUC_BINS = 1 << 16


def accuracy(logits: Tensor, y: Tensor, mask: Tensor, graph: Graph) -> float:
    """Fraction of masked nodes whose arg-max class equals the label."""
    correct = (logits[mask].argmax(-1) == y[mask]).sum().to(torch.float64)
    total = mask.sum().to(torch.float64)
    sums = graph.reduce_sum(torch.stack([correct, total]))
    return float(sums[0] / sums[1].clamp(min=1))


def roc_auc(logits: Tensor, y: Tensor, mask: Tensor, graph: Graph) -> float:
    """Area under the ROC curve of class 1's probability against binary labels.

    .. math::
        \\mathrm{AUC} = P(s^+ > s^-) + \\tfrac12 P(s^+ = s^-)

    computed from per-class score histograms (Mann-Whitney U).
    """
    prob = torch.softmax(logits[mask].detach().to(torch.float64), -1)[:, 1]
    bins = (prob * AUC_BINS).long().clamp(max=AUC_BINS - 1)
    labels = y[mask].long()
    hist = torch.zeros(2, AUC_BINS, dtype=torch.float64)
    hist.index_put_((labels, bins), torch.ones_like(prob), accumulate=True)
    hist = graph.reduce_sum(hist)
    neg, pos = hist[0], hist[1]
    neg_below = torch.cumsum(neg, 0) - neg  # negatives strictly below each bin
    pairs = pos.sum() * neg.sum()
    if pairs == 0:
        return float("nan")
    return float(((pos * neg_below).sum() + 0.5 * (pos * neg).sum()) / pairs)


METRICS = {"accuracy": accuracy, "roc_auc": roc_auc}
