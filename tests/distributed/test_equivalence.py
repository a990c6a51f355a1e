"""Distributed outputs and gradients equal the single-process model's, elementwise."""

import pytest

from harness import run_world
from workers import MODELS, equivalence

pytestmark = pytest.mark.distributed


@pytest.mark.parametrize("world_size", [1, 2, 3, 4])
def test_models_match_single_process(world_size):
    partitioners = ["metis"] if world_size == 1 else ["metis", "random", "uneven"]
    results = run_world(equivalence, world_size, partitioners)
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])


def test_plain_baseline_matches_single_process():
    """The per-edge baseline (one-shot, fast=False) computes the same model."""
    results = run_world(equivalence, 3, ["uneven"], MODELS, ("one-shot",), False)
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])
