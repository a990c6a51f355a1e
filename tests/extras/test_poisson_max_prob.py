"""Poisson spike encoder: the per-step spike probability must lie in [0, 1]."""

import math

import pytest
import torch
from graphkit.extras.spiking.encoders import poisson_spikes


@pytest.mark.parametrize("max_prob", [1.5, -0.1, math.nan])
def test_probability_outside_unit_interval_rejected(max_prob):
    with pytest.raises(ValueError, match=f"max_prob={max_prob} is invalid"):
        poisson_spikes(torch.ones(1, 2), 3, max_prob)


@pytest.mark.parametrize("max_prob, expected", [(0.0, 0.0), (1.0, 1.0)])
def test_probability_bounds_accepted(max_prob, expected):
    raster = poisson_spikes(torch.ones(1, 2), 3, max_prob)
    assert torch.equal(raster, torch.full((3, 1, 2), expected))
