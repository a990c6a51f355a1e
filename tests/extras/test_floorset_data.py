"""FloorSet loader, evaluator and placer on the real test layouts (read-only data)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from graphkit.extras.floorset.data import load_floorset
from graphkit.extras.floorset.evaluate import (
    boundary_gaps,
    evaluate,
    layout_from_polygons,
)
from graphkit.extras.floorset.original import original_report
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


def _remap_codes(codes: np.ndarray, sides: tuple[int, ...]) -> np.ndarray:
    """Move bit (1, 2, 4, 8)[k] of every boundary code to bit ``sides[k]``."""
    remapped = np.zeros_like(codes)
    for bit, side in zip((1, 2, 4, 8), sides):
        remapped |= np.where(codes & bit, side, 0)
    return remapped


def _misses(case) -> list[int]:
    gaps = boundary_gaps(case, layout_from_polygons(case.reference))
    return [b for b, gap in gaps.items() if gap > 1e-4]


def test_lite_boundary_decoding_fits_labels(floorset_root):
    cases = load_floorset(floorset_root, "lite")
    counts = {}
    for sides in itertools.permutations((1, 2, 4, 8)):
        remapped = [
            dataclasses.replace(c, boundary=_remap_codes(c.boundary, sides))
            for c in cases
        ]
        counts[sides] = sum(len(_misses(c)) for c in remapped)
    # The decoding of FloorSet's check_boundary_const (1 left, 2 right, 4 top,
    # 8 bottom) fits the labels best.
    assert counts[(1, 2, 4, 8)] == 9
    others = [n for sides, n in counts.items() if sides != (1, 2, 4, 8)]
    assert min(others) >= 32


def test_lite_boundary_misses_are_whitespace(floorset_root):
    cases = load_floorset(floorset_root, "lite")
    assert sum(int((c.boundary > 0).sum()) for c in cases) == 70
    for case in cases:
        boxes = np.array(
            [[*p.min(0), *p.max(0)] for p in case.reference]
        )  # Columns: x0, y0, x1, y1.
        x0, y0 = boxes[:, :2].min(0)
        x1, y1 = boxes[:, 2:].max(0)
        gaps = boundary_gaps(case, layout_from_polygons(case.reference))
        for block in _misses(case):
            assert 1.0 <= gaps[block] <= 4.0, (case.name, block)
            bx0, by0, bx1, by1 = boxes[block]
            code = int(case.boundary[block])
            # Build the strip between the block and each side that its code names.
            strips = [
                (x0, by0, bx0, by1) if code & 1 else None,
                (bx1, by0, x1, by1) if code & 2 else None,
                (bx0, by1, bx1, y1) if code & 4 else None,
                (bx0, y0, bx1, by0) if code & 8 else None,
            ]
            for strip in filter(None, strips):
                dx = np.minimum(boxes[:, 2], strip[2]) - np.maximum(
                    boxes[:, 0], strip[0]
                )
                dy = np.minimum(boxes[:, 3], strip[3]) - np.maximum(
                    boxes[:, 1], strip[1]
                )
                inside = np.flatnonzero((dx > 1e-6) & (dy > 1e-6))
                assert inside.size == 0, (case.name, block, inside.tolist())


def test_lite_reference_contest_costs(floorset_root):
    # The contest evaluator charges the labels' boundary misses: exp(2 V_rel) with
    # V_rel = misses / N_soft. For example, config_21 has 1 miss and N_soft = 23.
    cases = load_floorset(floorset_root, "lite")
    results = [evaluate(c, layout_from_polygons(c.reference)) for c in cases]
    assert [r.boundary_violations for r in results] == [1, 4, 0, 2, 2]
    assert all(r.feasible for r in results)
    assert sum(r.grouping_violations + r.mib_violations for r in results) == 0
    expected = [1.090849, 1.344869, 1.0, 1.166311, 1.142631]
    assert [r.cost for r in results] == pytest.approx(expected, abs=1e-5)
    assert results[0].cost == pytest.approx(np.exp(2 / 23), abs=1e-6)
    # N_soft counted from the labels: every boundary block, and each group of k
    # cluster or MIB blocks adds k - 1. The references' wirelength and area gaps are
    # below 1e-6 (config_24's is about 1e-8), so the cost is exp(2 misses / N_soft).
    for case, result, misses in zip(cases, results, [1, 4, 0, 2, 2]):
        n_soft = int((case.boundary > 0).sum())
        for labels in (np.asarray(case.cluster), np.asarray(case.mib)):
            n_soft += int((labels > 0).sum()) - len(np.unique(labels[labels > 0]))
        assert result.cost == pytest.approx(np.exp(2 * misses / n_soft), abs=1e-6)


def test_original_evaluator_on_references(floorset_root):
    # Prime configs 22, 29 and 56 have blocks 1 area unit below their float16 target.
    # They pass only because the original evaluator rounds the area to float16 too.
    for case in load_floorset(floorset_root, "prime", [21, 22, 29, 56, 120]):
        assert original_report(case, layout_from_polygons(case.reference)).clean, (
            case.name
        )
    # The original rules (origin box, exact touch) charge the same Lite blocks.
    lite = load_floorset(floorset_root, "lite")
    reports = [original_report(c, layout_from_polygons(c.reference)) for c in lite]
    assert [r.boundary for r in reports] == [1, 4, 0, 2, 2]
    assert all(r.placement_violations == r.boundary for r in reports)
