"""A NaN score makes the ROC-AUC NaN on the exact and the histogram path alike.

A diverged model (NaN logits, or two +inf logits whose margin inf - inf is NaN)
has no ranking. Without the NaN check, the histogram path cast NaN probabilities to
an int64 bin of -2^63 and failed with an IndexError, and the exact path ranked NaN
by its sign bit.
"""

import math

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.train import metrics
from graphkit.train.multilabel_metrics import multi_label_roc_auc


def graph_of(nodes: int) -> LocalGraph:
    return LocalGraph(torch.empty(2, 0, dtype=torch.long), nodes)


# With 2 bins, the 8 labelled nodes exceed 2 * AUC_BINS and take the histogram path.
@pytest.mark.parametrize("bins", [2, metrics.AUC_BINS])
@pytest.mark.parametrize("bad", [float("nan"), -float("nan")])
def test_roc_auc_nan_logit(monkeypatch, bins, bad):
    monkeypatch.setattr(metrics, "AUC_BINS", bins)
    logits = torch.tensor([[0.0, 1.0], [0.0, -1.0]] * 4)
    logits[2, 1] = bad
    y = torch.tensor([1, 0] * 4)
    mask = torch.ones(8, dtype=torch.bool)
    assert math.isnan(metrics.roc_auc(logits, y, mask, graph_of(8)))
    # Without the NaN the same nodes rank perfectly.
    logits[2, 1] = 1.0
    assert metrics.roc_auc(logits, y, mask, graph_of(8)) == 1.0


@pytest.mark.parametrize("bins", [2, metrics.AUC_BINS])
def test_roc_auc_infinite_logits(monkeypatch, bins):
    monkeypatch.setattr(metrics, "AUC_BINS", bins)
    logits = torch.tensor([[0.0, 1.0], [0.0, -1.0]] * 4)
    logits[0] = torch.tensor([float("inf"), float("inf")])  # margin and softmax NaN
    y = torch.tensor([1, 0] * 4)
    assert math.isnan(metrics.roc_auc(logits, y, torch.ones(8, dtype=torch.bool), graph_of(8)))


@pytest.mark.parametrize("bins", [2, metrics.AUC_BINS])
@pytest.mark.parametrize("bad", [float("nan"), -float("nan")])
def test_multi_label_roc_auc_nan_logit(monkeypatch, bins, bad):
    monkeypatch.setattr(metrics, "AUC_BINS", bins)
    # Task 0 ranks perfectly, task 1 has a NaN logit on a labelled node.
    logits = torch.tensor([[1.0, 1.0], [-1.0, -1.0]] * 4)
    targets = torch.tensor([[1, 1], [0, 0]] * 4, dtype=torch.int8)
    logits[4, 1] = bad
    mask = torch.ones(8, dtype=torch.bool)
    assert math.isnan(multi_label_roc_auc(logits, targets, mask, graph_of(8)))
    # A NaN on an unlabelled entry takes no part.
    targets[4, 1] = -1
    assert multi_label_roc_auc(logits, targets, mask, graph_of(8)) == 1.0
