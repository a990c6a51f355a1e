"""The surrogate-gradient SNN needs 4 steps for input spikes to reach the readout."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.spiking import surrogate_snn


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_too_few_steps_rejected(steps):
    with pytest.raises(
        ValueError, match=rf"steps={steps} is invalid\. Use a value >= 4"
    ):
        surrogate_snn.Config(steps=steps)


def test_four_steps_reach_hidden_weights():
    config = surrogate_snn.Config(steps=4, hidden=5)
    model = surrogate_snn.SpikingClassifier(config, torch.Generator().manual_seed(0))
    logits, _ = model(torch.ones(4, 2, 64))
    torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1])).backward()
    assert model.w_in.grad is not None
    assert float(model.w_in.grad.abs().sum()) > 0
