"""Node classification metrics that add up across partitions.

Each metric is computed from tensors summed over ranks with ``graph.reduce_sum`` under
the byte-count label :data:`METRIC_LABEL`, so a distributed run gets the global value
and its metric traffic is counted apart from the halo exchange.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.graph import Graph

METRIC_LABEL = "metric"

# Scores are binned into this many bins on [0, 1] for the ROC-AUC of a split with more
# than 2 * AUC_BINS labelled nodes. Two scores in one bin count as a tie (half a correct
# pair), so the result is exact up to ties closer than 1/65536 in predicted probability.
AUC_BINS = 1 << 16


def accuracy(logits: Tensor, y: Tensor, mask: Tensor, graph: Graph) -> float:
    """Fraction of masked nodes whose arg-max class equals the label.

    Returns NaN when the mask selects no node on any partition, because the fraction
    is undefined (as ``roc_auc`` returns NaN without both classes).
    """
    correct = (logits[mask].argmax(-1) == y[mask]).sum().to(torch.float64)
    total = mask.sum().to(torch.float64)
    sums = graph.reduce_sum(torch.stack([correct, total]), label=METRIC_LABEL)
    if float(sums[1]) == 0:
        return float("nan")
    return float(sums[0] / sums[1])


def roc_auc(logits: Tensor, y: Tensor, mask: Tensor, graph: Graph) -> float:
    """Area under the ROC curve of class 1's probability against binary labels.

    .. math::
        \\mathrm{AUC} = P(s^+ > s^-) + \\tfrac12 P(s^+ = s^-)
        = \\frac{R^+ - P (P + 1) / 2}{P N}

    with :math:`R^+` the sum of the positives' ranks among all scores (tied scores get
    their average rank), :math:`P` positives and :math:`N` negatives (Mann-Whitney U).

    Up to ``2 * AUC_BINS`` labelled nodes, every rank receives the scores of all of
    them (``8`` bytes per node) and the result is exact. The score is the logit margin
    ``l_1 - l_0``, which orders nodes as the softmax probability of class 1 does but
    does not round to 1.0 for confident nodes. Larger splits sum per-class histograms
    of ``AUC_BINS`` bins instead (``2 * 8 * AUC_BINS`` bytes, see :data:`AUC_BINS`).
    On both paths the result is NaN when a score is NaN (NaN logits, or a margin of
    ``inf - inf``), as a diverged model ranks nothing.
    """
    logits = logits[mask].detach().to(torch.float64)
    labels = y[mask].long()
    counts = torch.zeros(graph.world_size, 2, dtype=torch.float64, device=logits.device)
    counts[graph.rank] = torch.bincount(labels, minlength=2)[:2].double()
    counts = graph.reduce_sum(counts, label=METRIC_LABEL)
    negatives, positives = counts.sum(0).tolist()
    if negatives * positives == 0:
        return float("nan")
    if negatives + positives > 2 * AUC_BINS:
        return _roc_auc_histogram(logits, labels, graph)
    margin = logits[:, 1] - logits[:, 0]
    # Negatives fill [0, N) and positives [N, N + P) of one vector, each rank at its
    # offset within a class, so a sum over ranks gathers every score with its label.
    offsets = torch.cumsum(counts, 0) - counts
    scores = torch.zeros(
        int(negatives + positives), dtype=torch.float64, device=logits.device
    )
    for label, start in ((0, 0), (1, int(negatives))):
        own = margin[labels == label]
        first = start + int(offsets[graph.rank, label])
        scores[first : first + own.numel()] = own
    scores = graph.reduce_sum(scores, label=METRIC_LABEL)
    return _mann_whitney(scores, int(negatives))


def _mann_whitney(scores: Tensor, negatives: int) -> float:
    """Compute the exact ROC-AUC of float64 ``scores`` that list the negatives first.

    ``negatives`` is the count of negatives, and the remaining scores belong to
    positives. Ties count as half a correct pair, and a NaN score gives NaN. The sort
    runs on int64 keys that order as the scores do, because the stable CPU sort of
    torch 2.13 took about half as long on them as on the float64 scores (measured
    with ``benchmarks/multilabel_auc.py``).
    """
    if bool(torch.isnan(scores).any()):
        return float("nan")  # a NaN score (a diverged model) ranks nothing
    keys, order = torch.sort(_order_keys(scores), stable=True)
    positive = order >= negatives
    p, n = scores.numel() - negatives, negatives
    opens = torch.ones_like(positive)  # True where a run of tied scores starts
    torch.ne(keys[1:], keys[:-1], out=opens[1:])
    # Tied scores share the mean of the 1-based ranks they span. Twice each rank is an
    # integer, so the int64 sums are exact.
    if bool(opens.all()):
        position = torch.arange(scores.numel(), device=scores.device)
        twice_rank_sum = 2 * (torch.where(positive, position, 0).sum() + p)
    else:
        first = opens.nonzero().view(-1)
        size = torch.diff(first, append=first.new_tensor([scores.numel()]))
        twice_mean_rank = 2 * first + size + 1
        run = torch.cumsum(opens, 0) - 1
        twice_rank_sum = twice_mean_rank[run[positive]].sum()
    u = (twice_rank_sum - p * (p + 1)).double() / 2
    return float(u / (p * n))


def _order_keys(scores: Tensor) -> Tensor:
    """Return int64 keys that sort and tie as the float64 ``scores`` do (NaN aside).

    A float with the sign bit clear orders as its bits do. With the sign bit set, the
    other bits grow with the magnitude, so they are flipped. Adding 0.0 turns -0.0
    into 0.0, so the two tie as floats do.
    """
    bits = (scores.to(torch.float64) + 0.0).view(torch.int64)
    return bits ^ ((bits >> 63) & _INT64_MAX)


_INT64_MAX = (1 << 63) - 1


def _roc_auc_histogram(logits: Tensor, labels: Tensor, graph: Graph) -> float:
    """Compute the ROC-AUC from per-class histograms of class 1's probability.

    Each histogram has ``AUC_BINS`` bins on [0, 1]. The result is NaN when a
    probability is NaN on any rank.
    """
    prob = torch.softmax(logits, -1)[:, 1]
    nan = torch.isnan(prob)
    bins = (prob.nan_to_num(0.0) * AUC_BINS).long().clamp(max=AUC_BINS - 1)
    hist = torch.zeros(2, AUC_BINS, dtype=torch.float64, device=logits.device)
    hist.index_put_((labels, bins), torch.ones_like(prob), accumulate=True)
    # A NaN probability makes the sum over ranks NaN, so every rank returns NaN.
    hist[0, 0] += torch.where(nan.any(), float("nan"), 0.0)
    hist = graph.reduce_sum(hist, label=METRIC_LABEL)
    neg, pos = hist[0], hist[1]
    neg_below = torch.cumsum(neg, 0) - neg  # negatives strictly below each bin
    pairs = pos.sum() * neg.sum()
    return float(((pos * neg_below).sum() + 0.5 * (pos * neg).sum()) / pairs)


METRICS = {"accuracy": accuracy, "roc_auc": roc_auc}
