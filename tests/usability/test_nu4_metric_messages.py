"""Metric warnings print plain numbers, not IEEE negative zero."""

import logging
import math

import torch

from graphkit.metrics import nic
from graphkit.metrics.information import entropy


def test_entropy_single_class_positive_zero():
    value = entropy(torch.tensor([1.0]))
    assert value == 0.0
    assert math.copysign(1.0, value) == 1.0


def test_nic_undefined_warning_entropy(caplog):
    edge_index = torch.tensor([[0, 2], [2, 0]])
    y = torch.tensor([0, -1, 0])
    with caplog.at_level(logging.WARNING, logger="graphkit.metrics.neighbourhood_information"):
        assert math.isnan(nic(edge_index, y))
    assert "label entropy 0\n" in caplog.text
    assert "-0" not in caplog.text
