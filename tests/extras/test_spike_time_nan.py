"""Closed-form first spike time: NaN inputs raise instead of counting as silent."""

import math

import pytest
import torch
from graphkit.extras.spiking.neurons import if_spike_time


def test_nan_input_time_rejected():
    # Without the check the NaN input is dropped like a silent one, and the neuron
    # fires at 2 from the first input alone (z_out = 2 * 1 / (2 - 1)).
    z_in = torch.tensor([[1.0, math.nan]], dtype=torch.float64)
    weight = torch.tensor([[2.0, 3.0]], dtype=torch.float64)
    with pytest.raises(ValueError, match="z_in contains 1 NaN values"):
        if_spike_time(z_in, weight)


def test_nan_weight_rejected():
    z_in = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    weight = torch.tensor([[2.0, math.nan]], dtype=torch.float64)
    with pytest.raises(ValueError, match="weight contains 1 NaN values"):
        if_spike_time(z_in, weight)


def test_infinite_input_time_is_silent_input():
    z_in = torch.tensor([[1.0, math.inf]], dtype=torch.float64)
    weight = torch.tensor([[2.0, 3.0]], dtype=torch.float64)
    assert float(if_spike_time(z_in, weight)) == 2.0
