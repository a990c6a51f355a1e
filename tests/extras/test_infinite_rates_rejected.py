"""Spiking and DSG configs reject an infinite learning rate or weight scale."""

from __future__ import annotations

import math

import pytest
from graphkit.extras.dsg import dsgdetr
from graphkit.extras.spiking import (
    decolle,
    local_errors,
    surrogate_snn,
    temporal_coding,
    wta_stochastic,
)

CASES = [
    (decolle.Config, "lr"),
    (decolle.Config, "init_scale"),
    (decolle.Config, "readout_amplitude"),
    (surrogate_snn.Config, "lr"),
    (surrogate_snn.Config, "init_gain"),
    (temporal_coding.Config, "lr"),
    (temporal_coding.Config, "input_span"),
    (wta_stochastic.Config, "lr"),
    (dsgdetr.Config, "lr"),
]


@pytest.mark.parametrize(("config", "name"), CASES)
def test_infinite_value_rejected(config, name):
    with pytest.raises(ValueError, match=rf"{name}(=inf is invalid| must be).*finite"):
        config(**{name: math.inf})


def test_infinite_learning_rate_in_list_rejected():
    with pytest.raises(ValueError, match="finite values > 0"):
        local_errors.Config(learning_rates=(1e-3, math.inf))


def test_infinite_values_that_mean_something_accepted():
    # An infinite synaptic time constant makes the synapse non-leaky. An infinite
    # tau_mem is rejected instead, because it makes every initial weight 0.
    assert surrogate_snn.Config(tau_syn=math.inf).tau_syn == math.inf
    assert temporal_coding.Config(clip_norm=math.inf).clip_norm == math.inf
