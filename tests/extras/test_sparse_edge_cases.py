"""Sparse masks and DSR at their limits: over-pruning and runs without reallocation."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.common.sparse import magnitude_prune
from graphkit.extras.efficient import dsr


def test_prune_more_than_active_raises():
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[True, False], [False, True]])
    with pytest.raises(ValueError, match="only 2 are active"):
        magnitude_prune(weight, mask, 3)


def test_prune_all_active():
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[True, False], [False, True]])
    assert not magnitude_prune(weight, mask, 2).any()


def test_dsr_rejects_run_without_reallocation():
    # 1,437 training digits in batches of 64 give 23 steps in one epoch.
    config = dsr.Config(
        hidden=(8,), epochs=1, seeds=(0,), realloc_every=24, arms=("static", "dsr")
    )
    with pytest.raises(ValueError, match="exceeds the 23 training steps"):
        dsr.run(config)
