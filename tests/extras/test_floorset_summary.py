"""FloorSet experiment summary metrics and pass criteria on stand-in evaluations."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import pytest
from floorset_cases import make_case
from graphkit.extras.floorset.experiment import criteria, summarize


def _evaluation(**fields):
    defaults = dict(
        feasible=True,
        hpwl_gap=0.0,
        area_gap=0.0,
        cost=1.0,
        violations_relative=0.0,
        boundary_violations=0,
        grouping_violations=0,
        mib_violations=0,
    )
    return SimpleNamespace(**{**defaults, **fields})


def _results():
    # A Prime case of 2 blocks and a Lite case of 3 blocks.
    prime = dataclasses.replace(
        make_case([[0, 0, 1, 1], [1, 0, 1, 1]]), name="p", variant="prime"
    )
    lite = make_case([[0, 0, 1, 1], [1, 0, 1, 1], [2, 0, 1, 1]])
    prime_result = {
        "reference": _evaluation(),
        "random": _evaluation(feasible=False),
        "baseline": _evaluation(cost=2.0, hpwl_gap=0.5, area_gap=0.25),
        "seconds": 1.0,
        "reference_original": SimpleNamespace(clean=True, boundary=0),
        "baseline_original": SimpleNamespace(placement_violations=3),
        "reference_boundary_gaps": {},
    }
    lite_result = {
        "reference": _evaluation(cost=1.5, boundary_violations=2, mib_violations=1),
        "random": _evaluation(),
        "baseline": _evaluation(
            feasible=False, cost=10.0, hpwl_gap=1.5, violations_relative=0.5
        ),
        "seconds": 3.0,
        "reference_original": SimpleNamespace(clean=False, boundary=1),
        "baseline_original": SimpleNamespace(placement_violations=0),
        "reference_boundary_gaps": {0: 0.0, 2: 3.0},
    }
    return [(prime, prime_result), (lite, lite_result)]


def test_summarize_hand_values():
    metrics = summarize(_results())
    assert metrics["cases"] == 2.0
    assert metrics["reference_feasible_fraction"] == 1.0
    assert metrics["reference_quality_max_deviation"] == 0.0
    assert metrics["random_feasible_fraction"] == 0.5
    assert metrics["baseline_feasible_fraction"] == 0.5
    assert metrics["baseline_mean_cost"] == 6.0
    # Costs 2 and 10 weighted by exp(2) and exp(3).
    expected = (2.0 * math.exp(2) + 10.0 * math.exp(3)) / (math.exp(2) + math.exp(3))
    assert metrics["baseline_total_score"] == pytest.approx(expected)
    assert metrics["baseline_mean_hpwl_gap"] == 1.0
    assert metrics["baseline_mean_area_gap"] == 0.125
    assert metrics["baseline_mean_v_rel"] == 0.25
    assert metrics["baseline_seconds_per_case"] == 2.0
    # Prime only.
    assert metrics["reference_prime_cost_max_deviation"] == 0.0
    assert metrics["reference_prime_original_clean_fraction"] == 1.0
    assert metrics["baseline_mean_cost_prime"] == 2.0
    assert metrics["baseline_prime_original_mean_violations"] == 3.0
    # Lite only.
    assert metrics["reference_lite_mean_cost"] == 1.5
    assert metrics["reference_lite_boundary_blocks"] == 2.0
    assert metrics["reference_lite_boundary_misses"] == 2.0
    assert metrics["reference_lite_original_boundary_misses"] == 1.0
    assert metrics["reference_lite_boundary_gap_max"] == 3.0
    assert metrics["reference_lite_other_soft_violations"] == 1.0
    assert metrics["baseline_mean_cost_lite"] == 10.0


def test_criteria_on_summary():
    passed = {c.name: c.passed for c in criteria(summarize(_results()))}
    assert passed == {
        "reference_feasible_fraction": True,
        "reference_lite_other_soft_violations": False,
        "reference_prime_cost_max_deviation": True,
        "reference_prime_original_clean_fraction": True,
        "reference_quality_max_deviation": True,
        "random_feasible_fraction": False,
        "baseline_feasible_fraction": False,
        "baseline_mean_cost": False,
    }


def test_baseline_mean_cost_bound_is_strict():
    metrics = summarize(_results())
    for cost, expected in [(2.99, True), (3.0, False)]:
        metrics["baseline_mean_cost"] = cost
        by_name = {c.name: c.passed for c in criteria(metrics)}
        assert by_name["baseline_mean_cost"] is expected, cost
