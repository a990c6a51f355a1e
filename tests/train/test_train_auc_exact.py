"""The exact ROC-AUC equals sklearn and a rank reference.

The exact path sorts int64 keys and scores one task at a time.
"""

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from graphkit.graph import LocalGraph
from graphkit.train import metrics
from graphkit.train.multilabel_metrics import multi_label_roc_auc


def reference_auc(negative: torch.Tensor, positive: torch.Tensor) -> float:
    """Mann-Whitney U over average ranks from ``torch.unique``, divided by ``P N``."""
    _, inverse, counts = torch.unique(
        torch.cat([negative, positive]), return_inverse=True, return_counts=True
    )
    mean_rank = torch.cumsum(counts, 0).double() - (counts.double() - 1) / 2
    rank_sum = mean_rank[inverse[negative.numel() :]].sum()
    p, n = positive.numel(), negative.numel()
    return float((rank_sum - p * (p + 1) / 2) / (p * n))


def scores_with_ties(size: int, seed: int) -> torch.Tensor:
    """Scores on a grid of 0.25, so about one in eight entries ties with another."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(-16, 16, (size,), generator=generator).double() / 4


@pytest.mark.parametrize("seed", range(4))
def test_mann_whitney_matches_sklearn(seed):
    generator = torch.Generator().manual_seed(100 + seed)
    for scores in (scores_with_ties(200, seed), torch.randn(200, generator=generator).double()):
        negatives = 50 + 30 * seed
        truth = np.r_[np.zeros(negatives), np.ones(200 - negatives)]
        got = metrics._mann_whitney(scores, negatives)
        assert got == reference_auc(scores[:negatives], scores[negatives:])
        assert got == pytest.approx(roc_auc_score(truth, scores.numpy()), abs=1e-12)


def test_mann_whitney_hand_values():
    # Negatives 1 and 3, positives 2 and 3: pairs (2>1), (2<3), (3>1), (3=3) -> 2.5 / 4.
    assert metrics._mann_whitney(torch.tensor([1.0, 3.0, 2.0, 3.0]).double(), 2) == 0.625
    # -0.0 and 0.0 are equal floats, so they tie: half a correct pair.
    assert metrics._mann_whitney(torch.tensor([-0.0, 0.0]).double(), 1) == 0.5
    assert metrics._mann_whitney(torch.tensor([0.0, -0.0]).double(), 1) == 0.5


def test_mann_whitney_orders_signs_and_infinities():
    values = [float("-inf"), -1e300, -2.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 2.0, float("inf")]
    keys = metrics._order_keys(torch.tensor(values, dtype=torch.float64))
    assert bool((keys[1:] > keys[:-1]).all())
    scores = torch.tensor([float("-inf"), -1.0, float("inf"), 0.5, float("inf")]).double()
    # Negatives -inf, -1 and +inf, positives 0.5 and +inf: 2 + 2.5 of 6 pairs.
    assert metrics._mann_whitney(scores, 3) == 4.5 / 6
    assert metrics._mann_whitney(scores, 3) == reference_auc(scores[:3], scores[3:])


def test_multi_label_matches_per_task_sklearn():
    generator = torch.Generator().manual_seed(3)
    nodes, tasks = 300, 6
    logits = torch.randint(-8, 8, (nodes, tasks), generator=generator).float() / 4
    logits[:, 3] = torch.randn(nodes, generator=generator)
    targets = torch.randint(0, 2, (nodes, tasks), generator=generator, dtype=torch.int8)
    # A different share of unlabelled entries per task, so the blocks differ in size.
    for task in range(tasks):
        targets[torch.rand(nodes, generator=generator) < 0.1 * task, task] = -1
    targets[:, 5][targets[:, 5] == 0] = 1  # only positives: left out of the mean
    mask = torch.rand(nodes, generator=generator) < 0.8
    graph = LocalGraph(torch.empty(2, 0, dtype=torch.long), nodes)

    want_sklearn, want_reference = [], []
    for task in range(tasks):
        labels, scores = targets[mask, task], logits[mask, task].double()
        negative, positive = scores[labels == 0], scores[labels == 1]
        if negative.numel() == 0 or positive.numel() == 0:
            continue
        labelled = labels >= 0
        want_sklearn.append(roc_auc_score(labels[labelled].numpy(), scores[labelled].numpy()))
        want_reference.append(reference_auc(negative, positive))
    assert len(want_reference) == 5
    got = multi_label_roc_auc(logits, targets, mask, graph)
    assert got == float(torch.tensor(want_reference, dtype=torch.float64).mean())
    assert got == pytest.approx(float(np.mean(want_sklearn)), abs=1e-12)


def test_roc_auc_exact_up_to_twice_auc_bins(monkeypatch):
    # With 2 bins, 4 labelled nodes is the maximum that still takes the exact path. All
    # four class-1 probabilities lie in [0.5, 1), one histogram bin, where the
    # histogram would count every pair as a tie (AUC 0.5) instead of 1.
    monkeypatch.setattr(metrics, "AUC_BINS", 2)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 4)
    logits = torch.tensor([[0.0, 0.1], [0.0, 0.2], [0.0, 0.3], [0.0, 0.4]])
    y = torch.tensor([0, 0, 1, 1])
    mask = torch.ones(4, dtype=torch.bool)
    assert metrics.roc_auc(logits, y, mask, graph) == 1.0
