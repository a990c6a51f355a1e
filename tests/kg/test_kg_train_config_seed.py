"""TrainConfig accepts exactly the 64-bit range of a torch seed."""

import re

import pytest

from graphkit.kg.train import TrainConfig


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_seed_outside_range_rejected(seed):
    message = f"seed must lie in [-2^63, 2^64), the range of a torch seed, got {seed}"
    with pytest.raises(ValueError, match=re.escape(message)):
        TrainConfig(seed=seed)


@pytest.mark.parametrize("seed", [2**64 - 1, -(2**63)])
def test_seed_range_ends_accepted(seed):
    assert TrainConfig(seed=seed).seed == seed
