"""ROC-AUC exact against sklearn, in one process and gathered over ranks, and its bytes."""

import sys
from pathlib import Path

import pytest
import torch
from sklearn.metrics import roc_auc_score

from graphkit.graph import LocalGraph
from graphkit.train import metrics

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from compression_workers import metric_traffic
from harness import run_world


def scored_nodes(n: int, seed: int):
    """Logits on a grid of quarters (many tied scores), labels and a 70% mask."""
    g = torch.Generator().manual_seed(seed)
    logits = (torch.randn(n, 2, generator=g) * 4).round() / 4
    y = torch.randint(0, 2, (n,), generator=g)
    mask = torch.rand(n, generator=g) < 0.7
    return logits, y, mask


def sklearn_auc(logits, y, mask) -> float:
    margin = (logits[mask, 1] - logits[mask, 0]).double()
    return roc_auc_score(y[mask].numpy(), margin.numpy())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_equals_sklearn_with_ties(seed):
    logits, y, mask = scored_nodes(300, seed)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 300)
    got = metrics.roc_auc(logits, y, mask, graph)
    # sklearn integrates the ROC curve with trapezoids: equal up to rounding.
    assert got == pytest.approx(sklearn_auc(logits, y, mask), rel=1e-12, abs=0)


def test_roc_auc_keeps_confident_scores_apart():
    # Softmax probabilities of these logits all round to 1.0 in float64.
    logits = torch.tensor([[0.0, 40.0], [0.0, 39.0], [0.0, 38.0], [0.0, 37.0]])
    y = torch.tensor([1, 0, 1, 0])
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 4)
    # Three pairs are ordered right (40 > 39, 40 > 37, 38 > 37) and one wrong (38 < 39).
    assert metrics.roc_auc(logits, y, torch.ones(4, dtype=torch.bool), graph) == 0.75


def test_roc_auc_histogram_for_large_splits(monkeypatch):
    # With 2 bins, the 5 labelled nodes exceed 2 * AUC_BINS, so histograms are summed.
    monkeypatch.setattr(metrics, "AUC_BINS", 2)
    p = torch.tensor([0.9, 0.6, 0.1, 0.55, 0.3])
    logits = torch.stack([torch.zeros(5), torch.log(p / (1 - p))], 1)
    y = torch.tensor([1, 1, 1, 0, 0])
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 5)
    # Bins [0, 0.5) and [0.5, 1]: positives in bins 1, 1, 0 and negatives in 1, 0.
    # 0.9 and 0.6 tie with 0.55 and beat 0.3; 0.1 loses to 0.55 and ties with 0.3:
    # 3.5 of 6 pairs, where the exact scores give 4 of 6.
    auc = metrics.roc_auc(logits, y, torch.ones(5, dtype=torch.bool), graph)
    assert auc == pytest.approx(3.5 / 6, abs=1e-15)


@pytest.mark.distributed
def test_roc_auc_gathered_over_ranks():
    logits, y, mask = scored_nodes(75, 4)  # the 75 nodes of the workers' graph
    results = run_world(metric_traffic, 2, logits, y, mask)
    expected_auc = sklearn_auc(logits, y, mask)
    expected_acc = float((logits[mask].argmax(1) == y[mask]).double().mean())
    labelled = int(mask.sum())
    for auc, acc, sent in results:
        assert auc == pytest.approx(expected_auc, rel=1e-12, abs=0)
        assert acc == pytest.approx(expected_acc, rel=1e-12, abs=0)
        # Per rank: class counts ([2 ranks, 2] float64), every labelled node's score
        # (float64), and accuracy's two sums; nothing under another label.
        assert sent == {metrics.METRIC_LABEL: 2 * 2 * 8 + labelled * 8 + 2 * 8}
