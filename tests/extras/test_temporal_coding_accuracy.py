"""Accuracy of the temporal-coding network: the earliest output spike is the class."""

import math

import pytest
import torch
from graphkit.extras.spiking.temporal_coding import first_spike_accuracy

INF = math.inf


def test_silent_sample_counts_as_wrong():
    # Sample 0 fires first at class 0 (correct), sample 1 never fires and has label 0,
    # sample 2 fires first at class 1 with label 2 (wrong).
    z_out = torch.tensor(
        [[2.0, 3.0, INF], [INF, INF, INF], [5.0, 4.0, 6.0]], dtype=torch.float64
    )
    labels = torch.tensor([0, 0, 2])
    assert first_spike_accuracy(z_out, labels) == pytest.approx(100.0 / 3, rel=1e-12)


def test_all_silent_outputs_score_zero():
    z_out = torch.full((4, 10), INF, dtype=torch.float64)
    assert first_spike_accuracy(z_out, torch.zeros(4, dtype=torch.long)) == 0.0


def test_earliest_spike_decides():
    z_out = torch.tensor([[3.0, 1.5, INF], [INF, 7.0, 2.0]], dtype=torch.float64)
    assert first_spike_accuracy(z_out, torch.tensor([1, 2])) == 100.0
