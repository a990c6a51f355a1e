"""Temporal coding: input encoding, first-spike loss and accuracy (earliest spike wins)."""

import math

import pytest
import torch
from graphkit.extras.spiking.temporal_coding import (
    encode,
    first_spike_accuracy,
    first_spike_loss,
)

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


def test_first_spike_loss_rewards_early_target():
    # Logits are -z_out, and a silent output counts as z = latest + 100.
    z_out = torch.tensor([[1.0, 3.0, INF]], dtype=torch.float64)
    expected = torch.nn.functional.cross_entropy(
        torch.tensor([[-1.0, -3.0, -103.0]], dtype=torch.float64), torch.tensor([0])
    )
    loss = first_spike_loss(z_out, torch.tensor([0]))
    assert float(loss) == pytest.approx(float(expected), rel=1e-12)
    # The earliest spike on the target class gives a lower loss than a late one.
    assert float(loss) < float(first_spike_loss(z_out, torch.tensor([1])))


def test_encode_bright_pixels_spike_first():
    # t = span (1 - x), z = e^t: x = 1 spikes at t = 0 and x = 0 at t = span.
    z = encode(torch.tensor([[1.0, 0.5, 0.0]]), span=2.0)
    assert z.dtype == torch.float64
    assert z[0].tolist() == pytest.approx([1.0, math.e, math.e**2], rel=1e-6)


def test_encode_late_spike_stays_finite():
    # t = 100 for x = 0. e^100 overflows float32 (max about e^88.7) but not float64,
    # so the dark pixel still spikes, late, instead of never.
    z = encode(torch.tensor([[0.0, 0.5]]), span=100.0)
    assert bool(torch.isfinite(z).all())
    assert z[0].tolist() == pytest.approx([math.exp(100.0), math.exp(50.0)], rel=1e-12)
