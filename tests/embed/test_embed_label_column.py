"""Closed-form node classification with OGB's ``[N, 1]`` label column and int32 labels."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
from graphkit.embed.nodeclass import NodeClassConfig, accuracy, fit_linear_gcn

CONFIG = NodeClassConfig(hops=2, wys_rank=4, pca_dim=0, svd_rank=10, oversample=2)


def _graph(labels: torch.Tensor) -> Data:
    generator = torch.Generator().manual_seed(0)
    n = labels.size(0)
    train = torch.arange(n) < 40
    return Data(
        x=torch.randn(n, 5, generator=generator),
        edge_index=torch.randint(0, n, (2, 200), generator=generator),
        y=labels, train_mask=train, val_mask=~train, test_mask=~train, num_nodes=n,
    )  # fmt: skip


def test_accuracy_label_column():
    # Arg-max classes 0, 1, 0 against labels 0, 1, 1: two of three are right. Compared
    # without flattening, [3] == [3, 1] broadcasts to 3 x 3 and gives 4 / 9.
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0]])
    labels = torch.tensor([[0], [1], [1]])
    assert accuracy(logits, labels, torch.ones(3, dtype=torch.bool)) == pytest.approx(
        2 / 3
    )


def test_fit_and_finetune_label_column():
    labels = torch.randint(0, 3, (60,), generator=torch.Generator().manual_seed(1))
    column, flat = _graph(labels.view(-1, 1)), _graph(labels)
    solution = fit_linear_gcn(column, CONFIG)
    assert torch.equal(solution.weight, fit_linear_gcn(flat, CONFIG).weight)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops)
    history = finetune(
        model, solution.features, solution.adjacency.matrix, column,
        FinetuneConfig(epochs=1),
    )  # fmt: skip
    assert history[0]["val"] == accuracy(solution.logits(), labels, ~column.train_mask)


def test_multi_label_targets_rejected():
    data = _graph(torch.zeros(60, 2, dtype=torch.long))
    with pytest.raises(
        ValueError, match=r"shape \[N\] or \[N, 1\]\), got shape \(60, 2\)"
    ):
        fit_linear_gcn(data, CONFIG)


def test_int32_labels_fit_and_finetune():
    # one_hot and cross_entropy reject int32 class ids, which numpy files often contain.
    labels = torch.randint(0, 3, (60,), generator=torch.Generator().manual_seed(1))
    narrow, wide = _graph(labels.int()), _graph(labels)
    solution = fit_linear_gcn(narrow, CONFIG)
    assert torch.equal(solution.weight, fit_linear_gcn(wide, CONFIG).weight)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops)
    history = finetune(
        model, solution.features, solution.adjacency.matrix, narrow,
        FinetuneConfig(epochs=1),
    )  # fmt: skip
    assert len(history) == 2



def test_accuracy_rejects_fractional_labels():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0]])
    mask = torch.ones(2, dtype=torch.bool)
    assert accuracy(logits, torch.tensor([0.0, 1.0]), mask) == 1.0
    with pytest.raises(ValueError, match="node 1 has label 1.5"):
        accuracy(logits, torch.tensor([0.0, 1.5]), mask)
