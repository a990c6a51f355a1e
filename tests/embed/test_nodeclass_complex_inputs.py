"""The closed-form node classifier and its accuracy reject invalid inputs.

fit_linear_gcn rejects complex features, class_labels rejects complex labels, and
accuracy rejects a mask of another length.
"""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.nodeclass import (
    NodeClassConfig,
    accuracy,
    class_labels,
    fit_linear_gcn,
)

# A 4-cycle with classes 0 0 1 1, trained on every node.
EDGES = torch.tensor([[0, 1, 2, 3, 1, 2, 3, 0], [1, 2, 3, 0, 0, 1, 2, 3]])
LABELS = torch.tensor([0, 0, 1, 1])
CONFIG = NodeClassConfig(
    hops=1, wys_rank=0, pca_dim=0, svd_rank=2, oversample=0, n_iter=2, dropout_copies=0
)


def test_complex_features_rejected():
    # .float() would keep the real parts, all 0 here, with only a torch warning.
    x = torch.eye(4, dtype=torch.complex64) * 1j
    data = Data(
        x=x, edge_index=EDGES, y=LABELS, train_mask=torch.ones(4, dtype=torch.bool)
    )
    with pytest.raises(TypeError, match=r"data\.x must be real, got torch\.complex64"):
        fit_linear_gcn(data, CONFIG)


def test_complex_labels_rejected():
    labels = torch.tensor([1 + 1j, 0, 1, 1])
    with pytest.raises(TypeError, match=r"integer class ids, got torch\.complex64"):
        class_labels(labels)


def test_accuracy_rejects_short_mask():
    logits = torch.eye(4)[:, :2]
    with pytest.raises(
        ValueError, match=r"mask must have shape \(4,\).*got shape \(2,\)"
    ):
        accuracy(logits, LABELS, torch.tensor([True, False]))
    # Nodes 0 and 1 have the arg-max class 0 and 1, against labels 0 and 0.
    mask = torch.tensor([True, True, False, False])
    assert accuracy(logits, LABELS, mask) == 0.5
