"""The spike encoders reject NaN, integer images and fewer than one step, and take
half-precision images."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.spiking.encoders import latency_spikes, poisson_spikes

ENCODERS = [latency_spikes, poisson_spikes]


@pytest.mark.parametrize("encode", ENCODERS)
def test_nan_intensity_rejected(encode):
    x = torch.tensor([[float("nan"), 0.5]])
    with pytest.raises(ValueError, match="1 NaN intensities"):
        encode(x, 4)


@pytest.mark.parametrize("encode", ENCODERS)
def test_integer_image_rejected(encode):
    x = torch.tensor([[0, 128, 255]], dtype=torch.uint8)
    with pytest.raises(TypeError, match="dtype torch.uint8"):
        encode(x, 4)


@pytest.mark.parametrize("encode", ENCODERS)
def test_zero_steps_rejected(encode):
    with pytest.raises(ValueError, match="steps=0 is invalid"):
        encode(torch.tensor([[0.5]]), 0)


def test_latency_single_step():
    raster = latency_spikes(torch.tensor([[0.0, 0.5, 1.0]]), 1)
    assert raster.tolist() == [[[0.0, 1.0, 1.0]]]


def test_latency_spike_times_rounded():
    # Times round((5 - 1)(1 - x)): 0 for x = 1, round(2.8) = 3 for x = 0.3 and
    # round(1.6) = 2 for x = 0.6. x = 0.05 is not above min_intensity, so it stays
    # silent, like x = 0.
    x = torch.tensor([[1.0, 0.3, 0.6, 0.05, 0.0]])
    trains = latency_spikes(x, 5)[:, 0, :].T
    assert trains.tolist() == [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ]


@pytest.mark.parametrize(
    ("dtype", "steps"), [(torch.bfloat16, 300), (torch.float16, 3000)]
)
def test_latency_half_precision_times(dtype, steps):
    # The time (steps - 1)(1 - x) of x = 0 is 299 or 2999. Computed in bfloat16 or
    # float16 it rounds to 300 or 3000, one past the last step, where the scatter
    # into the raster fails.
    x = torch.tensor([[0.0, 0.5, 1.0]], dtype=dtype)
    raster = latency_spikes(x, steps)
    assert raster.dtype == dtype
    assert raster.shape == (steps, 1, 3)
    # x = 0.5 spikes at round((steps - 1) / 2), 150 for 300 steps and 1500 for
    # 3000 (round half to even), and x = 1 at step 0. x = 0 is below min_intensity
    # and stays silent.
    times = raster[:, 0, :].argmax(0).tolist()
    assert times[1] == round((steps - 1) / 2)
    assert times[2] == 0
    assert raster[:, 0, 0].sum() == 0
