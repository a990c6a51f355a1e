"""FloorSet evaluator, geometry and placer on hand-made layouts with hand-computed scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import FloorplanCase
from graphkit.extras.floorset.evaluate import (
    INFEASIBLE_COST,
    baselines,
    evaluate,
    layout_from_boxes,
    layout_from_polygons,
    total_score,
)
from graphkit.extras.floorset.placer import place, random_placement


def _box(x, y, w, h):
    return np.array([[x, y], [x, y + h], [x + w, y + h], [x + w, y]], dtype=float)


def toy_case(mib=(0, 0, 0)) -> FloorplanCase:
    """Three blocks filling a 3 x 3 square.

    Block 0 is soft (2 x 2, bottom-left boundary code 9), block 1 is fixed-shape
    (1 x 2 at x = 2), block 2 is preplaced (3 x 1 on top). Blocks 0 and 1 form cluster
    1. One net joins 0 and 1 (weight 1, centroid distance 1.5) and a pin at the origin
    pulls block 0 (weight 0.5, distance 2), so the reference wire length is 2.5.
    """
    return FloorplanCase(
        name="toy",
        variant="lite",
        area_target=np.array([4.0, 2.0, 3.0]),
        fixed=np.array([False, True, False]),
        preplaced=np.array([False, False, True]),
        mib=np.array(mib),
        cluster=np.array([1, 1, 0]),
        boundary=np.array([9, 0, 0]),
        b2b=np.array([[0.0, 1.0, 1.0]]),
        p2b=np.array([[0.0, 0.0, 0.5]]),
        pins=np.array([[0.0, 0.0]]),
        metrics=np.array([9.0, 1, 2, 1, 1, 2, 1.5, 1.0]),
        reference=[_box(0, 0, 2, 2), _box(2, 0, 1, 2), _box(0, 2, 3, 1)],
    )


REFERENCE_BOXES = np.array([[0, 0, 2, 2], [2, 0, 1, 2], [0, 2, 3, 1]], dtype=float)


def _with(row: int, box) -> list[np.ndarray]:
    boxes = REFERENCE_BOXES.copy()
    boxes[row] = box
    return layout_from_boxes(boxes)


def test_reference_scores_one():
    result = evaluate(toy_case(), layout_from_polygons(toy_case().reference))
    assert result.feasible
    assert result.hpwl == pytest.approx(2.5)
    assert result.bbox_area == pytest.approx(9.0)
    assert result.violations_relative == 0.0
    assert result.cost == pytest.approx(1.0)


def test_baselines_keep_zero_pin_length():
    # m_7 = 0 is a valid pin wire length, so only a negative m_7 falls back to the
    # reference's pin length, 0.5 * 2 = 1.
    case = toy_case()
    case.metrics[7] = 0.0
    assert baselines(case) == (1.5, 9.0)
    case.metrics[7] = -1.0
    assert baselines(case) == (2.5, 9.0)
    # With m_6 = 0 the block-to-block length 1.5 comes from the reference, and the
    # pin length m_7 = 0 is still kept.
    case.metrics[6:8] = 0.0
    assert baselines(case) == (1.5, 9.0)


def test_overlap_detected():
    result = evaluate(toy_case(), _with(0, [0.5, 0, 2, 2]))
    assert result.overlaps == 1
    assert not result.feasible
    assert result.cost == INFEASIBLE_COST


def test_touching_blocks_do_not_overlap():
    assert geometry.overlapping_pairs(layout_from_boxes(REFERENCE_BOXES)) == set()


def test_area_violation_detected():
    result = evaluate(toy_case(), _with(0, [0, 0, 2, 1.95]))  # area 3.9, 2.5% short
    assert result.area_violations == 1
    assert result.overlaps == 0
    assert not result.feasible


def test_area_within_tolerance_accepted():
    result = evaluate(toy_case(), _with(0, [0, 0, 2, 1.99]))  # area 3.98, 0.5% short
    assert result.area_violations == 0
    assert result.feasible


def test_fixed_shape_violation_detected():
    boxes = REFERENCE_BOXES.copy()
    boxes[1] = [3, 0, 2, 1]  # same area, rotated: not the reference shape
    result = evaluate(toy_case(), layout_from_boxes(boxes))
    assert result.fixed_violations == 1
    assert not result.feasible


def test_fixed_shape_may_translate():
    result = evaluate(toy_case(), _with(1, [3, 0, 1, 2]))
    assert result.fixed_violations == 0
    assert result.feasible


def test_preplaced_move_detected():
    result = evaluate(toy_case(), _with(2, [0.5, 2, 3, 1]))
    assert result.preplaced_violations == 1
    assert not result.feasible


def test_feasible_cost_hand_computed():
    # Block 1 moves right by 1: bbox 4 x 3 (area gap 1/3), wire 2.5 + 1 (gap 0.4),
    # cluster {0, 1} no longer abuts: V_rel = 1 / (1 boundary + 1 cluster) = 0.5.
    result = evaluate(toy_case(), _with(1, [3, 0, 1, 2]))
    assert result.area_gap == pytest.approx(1 / 3)
    assert result.hpwl_gap == pytest.approx(0.4)
    assert result.grouping_violations == 1
    assert result.boundary_violations == 0
    assert result.violations_relative == pytest.approx(0.5)
    assert result.cost == pytest.approx((1 + 0.5 * (0.4 + 1 / 3)) * math.e)


def test_boundary_violation_detected():
    # Block 0 leaves the bottom-left corner: it is shifted up into free space at x=3.
    boxes = np.array([[3, 0.5, 2, 2], [2, 0, 1, 2], [0, 2, 3, 1]], dtype=float)
    result = evaluate(toy_case(), layout_from_boxes(boxes))
    assert result.boundary_violations == 1


def test_mib_violation_detected():
    case = toy_case(mib=(1, 1, 0))
    result = evaluate(case, layout_from_polygons(case.reference))
    assert result.mib_violations == 1  # a 2 x 2 and a 1 x 2 block cannot match
    assert result.violations_relative == pytest.approx(1 / 3)


def test_l_shape_decomposition():
    polygon = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]], dtype=float)
    rects = geometry.polygon_to_rects(polygon)
    assert geometry.rects_area(rects) == pytest.approx(3.0)
    np.testing.assert_allclose(geometry.rects_centroid(rects), [2.5 / 3, 2.5 / 3])
    shifted = geometry.polygon_to_rects(polygon + 5)
    assert geometry.same_shape(rects, shifted, 1e-9, translate=True)
    assert not geometry.same_shape(rects, shifted, 1e-9, translate=False)


def test_l_shapes_interlock_without_overlap():
    left = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]], dtype=float)
    right = np.array([[1, 1], [2, 1], [2, 0], [3, 0], [3, 2], [1, 2]], dtype=float)
    layout = layout_from_polygons([left, right])
    assert geometry.overlapping_pairs(layout) == set()
    assert geometry.abutting_pairs(layout) == {(0, 1)}


def test_total_score_exponential_weights():
    expected = (1 + 2 * math.e) / (1 + math.e)
    assert total_score([1.0, 2.0], [21, 22]) == pytest.approx(expected)
    assert total_score([1.0, 2.0], [21, 120]) == pytest.approx(2.0)


def test_placer_legal_on_toy_case():
    case = toy_case()
    result = evaluate(case, place(case))
    assert result.feasible


def test_random_placement_infeasible_on_toy_case():
    case = toy_case()
    assert not evaluate(case, random_placement(case, seed=0)).feasible


def test_synthetic_case_reference_and_placer():
    from graphkit.extras.floorset.data import synthetic_case

    case = synthetic_case(12, seed=3)
    reference = evaluate(case, layout_from_polygons(case.reference))
    assert reference.cost == pytest.approx(1.0)
    assert reference.bbox_area == pytest.approx(100.0 * 80.0)
    placed = evaluate(case, place(case))
    assert placed.feasible
    assert not evaluate(case, random_placement(case, seed=1)).feasible


def test_area_tolerance_is_one_percent():
    result = evaluate(toy_case(), _with(0, [0, 0, 2, 1.97]))  # area 3.94, 1.5% short
    assert result.area_violations == 1
    assert not result.feasible
