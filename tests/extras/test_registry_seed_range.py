"""run_experiment rejects seeds outside [0, 2**32 - 1] before the run starts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.extras.runs import MAX_SEED, check_seeds


@dataclass
class _Config:
    seed: int = 0
    first_seed: int = 0
    init_seeds: tuple[int, ...] = (0,)
    seeds: int = 3


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("seed=-1", r"seed=-1 is invalid: .* from 0 to 4294967295, found -1"),
        ("seed=4294967296", r"seed=4294967296 is invalid"),
        ("first_seed=-2", r"first_seed=-2 is invalid"),
        ("init_seeds=5,-1", r"init_seeds=\(5, -1\) is invalid: .*found -1"),
    ],
)
def test_seed_out_of_range_rejected(override, message):
    config = registry.apply_overrides(_Config(), [override])
    with pytest.raises(ValueError, match=message):
        check_seeds(config)


def test_seed_range_edges_accepted():
    check_seeds(_Config(seed=0, first_seed=MAX_SEED, init_seeds=(0, MAX_SEED)))


def test_seed_count_field_not_checked():
    # seeds: int counts runs, so it is not a seed.
    check_seeds(_Config(seeds=-1))


def test_negative_seed_stops_before_run():
    # numpy's default_rng used to fail inside the run with "expected non-negative
    # integer", which named neither the option nor the range.
    with pytest.raises(ValueError, match="seed=-1 is invalid"):
        registry.run_experiment("quasiperiodic", smoke=True, overrides=["seed=-1"])
