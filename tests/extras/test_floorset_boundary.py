"""FloorSet boundary codes, box rules and soft-constraint counting on hand-made layouts.

Four unit squares form a 2 x 2 grid: 0 bottom left, 1 bottom right, 2 top left,
3 top right. Which blocks meet each boundary code, and by how much the others miss,
can be read off the picture.
"""

from __future__ import annotations

import numpy as np
import pytest
from floorset_cases import make_case, polygon
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.evaluate import (
    baselines,
    boundary_box,
    boundary_gaps,
    evaluate,
    layout_from_boxes,
    layout_from_polygons,
)

GRID = np.array([[0, 0, 1, 1], [1, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1]], dtype=float)
# Map each boundary code to the blocks of GRID that touch every side it names.
MEETS = {
    1: {0, 2},
    2: {1, 3},
    4: {2, 3},
    8: {0, 1},
    5: {2},
    6: {3},
    9: {0},
    10: {1},
}


@pytest.mark.parametrize("code", sorted(MEETS))
def test_bbox_rule_per_code(code):
    for block in range(4):
        boundary = np.zeros(4, dtype=np.int64)
        boundary[block] = code
        case = make_case(GRID, boundary)
        gap = boundary_gaps(case, layout_from_boxes(GRID))[block]
        assert gap == (0.0 if block in MEETS[code] else 1.0), (code, block)
        result = evaluate(case, layout_from_boxes(GRID))
        assert result.boundary_violations == int(block not in MEETS[code])
        assert result.violations_relative == int(block not in MEETS[code])


@pytest.mark.parametrize("code", sorted(MEETS))
def test_box_rules_differ_off_origin(code):
    shifted = GRID + np.array([5.0, 5.0, 0.0, 0.0])
    layout = layout_from_boxes(shifted)
    np.testing.assert_allclose(boundary_box(layout, "bbox"), [5, 5, 7, 7])
    np.testing.assert_allclose(boundary_box(layout, "origin"), [0, 0, 7, 7])
    for block in range(4):
        boundary = np.zeros(4, dtype=np.int64)
        boundary[block] = code
        case = make_case(shifted, boundary)
        bbox_gap = boundary_gaps(case, layout, "bbox")[block]
        origin_gap = boundary_gaps(case, layout, "origin")[block]
        # The bbox rule ignores where the layout sits.
        assert bbox_gap == (0.0 if block in MEETS[code] else 1.0)
        if code & (1 | 8):
            # The origin box's left and bottom sides lie 5 units from the layout.
            assert origin_gap >= 5.0
        else:
            assert origin_gap == bbox_gap
        # At the origin both rules agree.
        at_origin = boundary_gaps(
            make_case(GRID, boundary), layout_from_boxes(GRID), "origin"
        )
        assert at_origin[block] == (0.0 if block in MEETS[code] else 1.0)


def test_boundary_tolerance_is_1e6():
    boundary = np.array([1, 0, 0, 0])
    case = make_case(GRID, boundary)
    # A gap of exactly 1e-6 is not below the tolerance, so it violates.
    for shift, violates in [(5e-7, False), (1e-6, True), (2e-6, True)]:
        boxes = GRID.copy()
        boxes[0, 0] += shift  # block 0 leaves the left side by ``shift``
        result = evaluate(case, layout_from_boxes(boxes))
        assert result.boundary_violations == int(violates), shift


def test_unknown_box_rule_rejected():
    with pytest.raises(ValueError, match="invalid box rule"):
        boundary_box(layout_from_boxes(GRID), "die")


def test_mib_counts_distinct_shapes_minus_one():
    # Shapes A, A, B, B in one group give two distinct shapes, so one violation.
    # Counting the members outside the largest same-shape set would give 2.
    boxes = np.array(
        [[0, 0, 1, 2], [1, 0, 1, 2], [2, 0, 2, 1], [2, 1, 2, 1]], dtype=float
    )
    case = make_case(boxes, mib=[1, 1, 1, 1])
    result = evaluate(case, layout_from_boxes(boxes))
    assert result.mib_violations == 1
    assert result.violations_relative == pytest.approx(1 / 3)
    # A 1 x 2 and a 2 x 1 block differ because rotation gives a different (w, h).
    case = make_case(boxes[[0, 2]], mib=[1, 1])
    assert evaluate(case, layout_from_boxes(boxes[[0, 2]])).mib_violations == 1


def test_mib_shape_key_rounds_to_4_decimals():
    a = geometry.rectangle(0, 0, 1.00001, 2)
    b = geometry.rectangle(5, 5, 1.0, 2)
    c = geometry.rectangle(5, 5, 1.001, 2)
    assert geometry.shape_key(a) == geometry.shape_key(b)
    assert geometry.shape_key(a) != geometry.shape_key(c)


def test_grouping_counts_union_parts():
    # Blocks 0 and 1 share an edge. Block 3 meets their group only at a corner
    # point, so the cluster {0, 1, 3} has two parts and counts one violation.
    boxes = np.array(
        [[0, 0, 1, 1], [1, 0, 1, 1], [5, 5, 1, 1], [2, 1, 1, 1]], dtype=float
    )
    case = make_case(boxes, cluster=[1, 1, 0, 1])
    result = evaluate(case, layout_from_boxes(boxes))
    assert result.grouping_violations == 1
    assert result.violations_relative == pytest.approx(1 / 2)
    # Moving block 3 down to share block 1's right edge joins the cluster.
    boxes[3] = [2, 0.5, 1, 1]
    assert evaluate(case, layout_from_boxes(boxes)).grouping_violations == 0


def test_l_shapes_canonical_and_rotated():
    ell = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]], dtype=float)
    rects = geometry.polygon_to_rects(ell)
    # The same region cut differently has the same canonical form.
    recut = np.array([[0, 0, 1, 2], [1, 0, 2, 1]], dtype=float)
    np.testing.assert_allclose(
        geometry.canonical_rects(recut), geometry.canonical_rects(rects)
    )
    turned = geometry.rotate_quarter(rects, 1)
    assert geometry.rects_area(turned) == pytest.approx(3.0)
    assert geometry.same_shape_rotated(rects, turned + 7.0, 1e-9)
    assert not geometry.same_shape(rects, turned, 1e-9, translate=True)
    bar = geometry.polygon_to_rects(polygon(0, 0, 3, 1))
    assert not geometry.same_shape_rotated(rects, bar, 1e-9)


def test_preplaced_position_tolerance():
    case = make_case(GRID)
    case.preplaced[3] = True
    for shift, violates in [(5e-5, False), (2e-4, True)]:
        boxes = GRID.copy()
        boxes[3, :2] += shift
        result = evaluate(case, layout_from_boxes(boxes))
        assert result.preplaced_violations == int(violates), shift
        assert result.feasible != violates


def test_baselines_fall_back_to_reference():
    case = make_case(GRID, metrics=[0.0, 0, 1, 1, 0, 0, 0.0, -1.0])
    wire, area = baselines(case)
    # The b2b net 0-1 has weight 1 and centroids 1 apart.
    assert wire == pytest.approx(1.0)
    assert area == pytest.approx(4.0)
    result = evaluate(case, layout_from_polygons(case.reference))
    assert result.hpwl_gap == pytest.approx(0.0)
    assert result.area_gap == pytest.approx(0.0)
    assert result.cost == pytest.approx(1.0)


def test_segment_distance_is_chebyshev():
    # The square [2, 3] x [2, 3] is 2 right of and 1 above the segment x = 0,
    # 0 <= y <= 1, so the Chebyshev distance is max(2, 1) = 2, not 2 + 1.
    square = np.array([[2.0, 2.0, 3.0, 3.0]])
    assert geometry.distance_to_segment(square, (0.0, 0.0, 0.0, 1.0)) == 2.0
    # Touching the segment's end point counts as distance 0.
    corner = np.array([[0.0, 1.0, 1.0, 2.0]])
    assert geometry.distance_to_segment(corner, (0.0, 0.0, 0.0, 1.0)) == 0.0


def test_origin_box_of_negative_layout():
    # Every block lies left of and below the origin, so W = H = 0 and the box is
    # the point (0, 0), not [0, -1] x [0, -1].
    layout = layout_from_boxes(np.array([[-3.0, -2.0, 1.0, 1.0]]))
    assert boundary_box(layout, "origin").tolist() == [0.0, 0.0, 0.0, 0.0]
    assert boundary_box(layout, "bbox").tolist() == [-3.0, -2.0, -2.0, -1.0]


def test_intersection_area_ignores_disjoint_rectangles():
    # [1, 3] x [1, 3] shares 1 x 1 with the 2 x 2 square. [0.5, 1.5] x [5, 6]
    # overlaps it in x by 1 but lies 3 above it, so it adds 0, not 1 * -3.
    square = np.array([[0.0, 0.0, 2.0, 2.0]])
    others = np.array([[1.0, 1.0, 3.0, 3.0], [0.5, 5.0, 1.5, 6.0]])
    assert geometry.intersection_area(square, others) == 1.0
