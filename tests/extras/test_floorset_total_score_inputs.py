"""FloorSet total_score rejects mismatched and empty inputs."""

from __future__ import annotations

import math

import pytest
from graphkit.extras.floorset.evaluate import total_score


@pytest.mark.parametrize(
    ("costs", "counts"), [([1.0, 2.0], [30]), ([1.0], [21, 22]), ([1.0, 2.0], [])]
)
def test_length_mismatch_rejected(costs, counts):
    with pytest.raises(ValueError, match="Pass one block count per cost"):
        total_score(costs, counts)


def test_no_cases_rejected():
    with pytest.raises(ValueError, match="no cases"):
        total_score([], [])


def test_single_case_is_its_cost():
    assert total_score([3.5], [40]) == 3.5


def test_weights_by_exp_block_count():
    expected = (1.0 + 2.0 * math.e) / (1.0 + math.e)
    assert total_score((1.0, 2.0), (21, 22)) == pytest.approx(expected)


def test_far_apart_block_counts_do_not_overflow():
    # exp(1000) overflows float64, so the weights must be taken relative to the max.
    assert total_score([2.0, 5.0], [1000, 10]) == 2.0
