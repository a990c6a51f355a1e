"""FloorSet loader, evaluator and placer on the real test layouts (read-only data)."""

from __future__ import annotations

import pytest
from graphkit.extras.floorset.data import load_floorset
from graphkit.extras.floorset.evaluate import evaluate, layout_from_polygons
from graphkit.extras.floorset.placer import PlacerConfig, place, random_placement

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def floorset_root(shared_data):
    root = shared_data / "extras" / "floorset"
    if not root.is_dir():
        pytest.skip(f"{root} is missing from the real-data folder")
    return root


def test_lite_loader_shapes(floorset_root):
    (case,) = load_floorset(floorset_root, "lite", [21])
    assert case.num_blocks == 21
    assert case.metrics.shape == (8,)
    assert len(case.reference) == 21
    assert all(p.shape == (4, 2) for p in case.reference)
    assert case.b2b.shape[1] == 3
    assert case.p2b.shape[1] == 3
    assert case.pins.shape[1] == 2


def test_prime_loader_reads_archive(floorset_root):
    cases = load_floorset(floorset_root, "prime", [21, 120])
    assert [c.num_blocks for c in cases] == [21, 120]
    assert (
        max(len(p) for p in cases[1].reference) > 4
    )  # rectilinear, not only rectangles


def test_prime_reference_costs_one(floorset_root):
    for case in load_floorset(floorset_root, "prime", [21, 57, 88, 120]):
        result = evaluate(case, layout_from_polygons(case.reference))
        assert result.feasible, case.name
        assert result.violations_relative == 0.0, case.name
        assert result.cost == pytest.approx(1.0, abs=1e-6), case.name


def test_lite_reference_matches_metrics(floorset_root):
    for case in load_floorset(floorset_root, "lite", [21, 25]):
        result = evaluate(case, layout_from_polygons(case.reference))
        assert result.feasible, case.name
        assert result.hpwl_gap == pytest.approx(0.0, abs=1e-6), case.name
        assert result.area_gap == pytest.approx(0.0, abs=1e-9), case.name


def test_random_placement_infeasible(floorset_root):
    for case in load_floorset(floorset_root, "lite", [21, 22]):
        result = evaluate(case, random_placement(case, seed=0))
        assert not result.feasible, case.name
        assert result.overlaps > 0, case.name


def test_baseline_feasible_below_three(floorset_root):
    cases = load_floorset(floorset_root, "lite", [21]) + load_floorset(
        floorset_root, "prime", [21]
    )
    for case in cases:
        result = evaluate(case, place(case, PlacerConfig(search_passes=1)))
        assert result.feasible, case.name
        assert result.cost < 3.0, case.name


def test_plot_writes_png(floorset_root, tmp_path):
    from graphkit.extras.floorset.plot import plot_layout

    (case,) = load_floorset(floorset_root, "prime", [21])
    path = plot_layout(case, layout_from_polygons(case.reference), tmp_path / "ref.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 1000
