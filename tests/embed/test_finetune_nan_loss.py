"""Fine-tuning the SVD-initialised network stops at a NaN training loss."""

from __future__ import annotations

import pytest
import torch
from test_finetune_no_validation import CONFIG, graph_without_validation
from torch_geometric.data import Data

from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
from graphkit.embed.nodeclass import fit_linear_gcn


def small_graph() -> Data:
    data = graph_without_validation()
    data.val_mask = ~data.train_mask
    return data


def test_diverged_loss_names_epoch():
    data = small_graph()
    solution = fit_linear_gcn(data, CONFIG)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops, dropout=0.0)
    # Adam moves each weight by about lr in step 1, so the logits of epoch 2 overflow
    # float32 and the cross-entropy is NaN.
    config = FinetuneConfig(epochs=4, lr=1e30)
    with pytest.raises(FloatingPointError) as error:
        finetune(model, solution.features, solution.adjacency.matrix, data, config)
    message = str(error.value)
    assert message.startswith("the training loss of epoch 2 is nan")
    assert "lower lr (now 1e+30)" in message
    # The error comes before the step of epoch 2, which would make the weights NaN.
    for parameter in model.parameters():
        assert torch.isfinite(parameter).all()


def test_nan_weight_stops_epoch_one():
    data = small_graph()
    solution = fit_linear_gcn(data, CONFIG)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops, dropout=0.0)
    with torch.no_grad():
        model.heads[0].positive.bias[0] = float("nan")
    config = FinetuneConfig(epochs=2, lr=1e-3)
    with pytest.raises(FloatingPointError, match="the training loss of epoch 1 is nan"):
        finetune(model, solution.features, solution.adjacency.matrix, data, config)


def test_overflowing_lr_names_lr():
    data = small_graph()
    solution = fit_linear_gcn(data, CONFIG)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops, dropout=0.0)
    before = [parameter.detach().clone() for parameter in model.parameters()]
    # torch's Adam computes the step size lr / (1 - beta1) = 1e38 / 0.1 = 1e39 in its
    # first step, above float32's maximum, although the weights would move by about lr.
    config = FinetuneConfig(epochs=2, lr=1e38)
    with pytest.raises(ValueError) as error:
        finetune(model, solution.features, solution.adjacency.matrix, data, config)
    message = str(error.value)
    assert message.startswith("lr 1e+38 is too large")
    assert "torch.float32" in message
    for parameter, initial in zip(model.parameters(), before):
        assert torch.equal(parameter, initial)
