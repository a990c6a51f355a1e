"""Shared extras training helpers on empty and mismatched inputs."""

from __future__ import annotations

import math

import pytest
import torch
from graphkit.extras.common.train import accuracy, predict, psnr, train_classifier


def _model() -> torch.nn.Linear:
    model = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.eye(2))
    return model


def test_predict_empty_input():
    out = predict(_model(), torch.zeros(0, 2))
    assert out.shape == (0,)
    assert out.dtype == torch.long
    # The empty prediction is on the device of x, as the non-empty one is.
    assert predict(_model(), torch.zeros(0, 2, device="meta")).device.type == "meta"


def test_accuracy_hand_value():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    assert accuracy(_model(), x, torch.tensor([0, 1, 1])) == pytest.approx(200 / 3)


def test_accuracy_rejects_label_column():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    # A (2, 1) column would compare as a (2, 2) grid and report 50% here.
    with pytest.raises(ValueError, match=r"labels of shape \(2, 1\) for 2 inputs"):
        accuracy(_model(), x, torch.tensor([[0], [1]]))
    with pytest.raises(ValueError, match="Pass at least one input"):
        accuracy(_model(), torch.zeros(0, 2), torch.zeros(0, dtype=torch.long))


def test_train_classifier_rejects_bad_data():
    model = _model()
    with pytest.raises(ValueError, match="0 inputs and 0 labels"):
        train_classifier(model, torch.zeros(0, 2), torch.zeros(0, dtype=torch.long), 1)
    with pytest.raises(ValueError, match="3 inputs and 2 labels"):
        train_classifier(model, torch.zeros(3, 2), torch.zeros(2, dtype=torch.long), 1)


def test_psnr_hand_value_and_shapes():
    # MSE 0.01 over a range of 1 gives 20 dB.
    assert psnr(torch.full((2, 2), 0.1), torch.zeros(2, 2)) == pytest.approx(20.0)
    with pytest.raises(
        ValueError, match=r"estimate \(2, 1, 4\) and reference \(2, 4\)"
    ):
        psnr(torch.zeros(2, 1, 4), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="Pass two non-empty tensors"):
        psnr(torch.zeros(0), torch.zeros(0))


def test_psnr_uses_squared_data_range():
    # MSE 0.01 over a range of 2: 10 log10(4 / 0.01) = 26.02 dB.
    estimate = torch.full((2, 2), 0.1)
    expected = 10 * math.log10(400)
    assert psnr(estimate, torch.zeros(2, 2), data_range=2.0) == pytest.approx(expected)


def test_predict_in_eval_mode_then_restores():
    # Dropout with p = 1 zeroes every input in training mode, so the prediction
    # [1] below needs eval mode.
    model = torch.nn.Sequential(torch.nn.Dropout(p=1.0))
    model.train()
    assert predict(model, torch.tensor([[0.0, 1.0]])).tolist() == [1]
    assert model.training
    model.eval()
    predict(model, torch.tensor([[0.0, 1.0]]))
    assert not model.training
