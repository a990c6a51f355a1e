"""Original FloorSet evaluator (cost.py and utils.py rules) on hand-made layouts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import FloorplanCase, build_case
from graphkit.extras.floorset.evaluate import evaluate, layout_from_boxes
from graphkit.extras.floorset.original import difference_with_tolerance, original_report

# A 3 x 3 square of block 0 (2 x 2, bottom left), block 1 (1 x 2, right of it) and
# block 2 (3 x 1 on top). Net 0-1 has centroids 1.5 apart, and the pin at the origin is
# 2 from block 0's centroid. So b2b = 1.5 and p2b = 0.5 * 2 = 1.
BOXES = np.array([[0, 0, 2, 2], [2, 0, 1, 2], [0, 2, 3, 1]], dtype=float)


def _polygon(x, y, w, h):
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=float)


def make_case(**columns) -> FloorplanCase:
    """Build the 3-block case; ``columns`` overrides constraint columns."""
    n = len(BOXES)
    fields = {
        "fixed": np.zeros(n, dtype=bool),
        "preplaced": np.zeros(n, dtype=bool),
        "mib": np.zeros(n, dtype=np.int64),
        "cluster": np.zeros(n, dtype=np.int64),
        "boundary": np.zeros(n, dtype=np.int64),
    }
    fields.update({k: np.asarray(v) for k, v in columns.items()})
    return FloorplanCase(
        name="hand",
        variant="prime",
        area_target=BOXES[:, 2] * BOXES[:, 3],
        b2b=np.array([[0.0, 1.0, 1.0]]),
        p2b=np.array([[0.0, 0.0, 0.5]]),
        pins=np.array([[0.0, 0.0]]),
        metrics=np.array([9.0, 1, 2, 1, 1, 0, 1.5, 1.0]),
        reference=[_polygon(*row) for row in BOXES],
        **fields,
    )


def _with(row: int, box) -> list[np.ndarray]:
    boxes = BOXES.copy()
    boxes[row] = box
    return layout_from_boxes(boxes)


def test_reference_is_clean():
    case = make_case(
        fixed=[False, True, False],
        preplaced=[False, False, True],
        cluster=[1, 1, 0],
        boundary=[9, 2, 4],
    )
    report = original_report(case, layout_from_boxes(BOXES))
    assert report.placement_violations == 0
    assert report.area_violations == []
    assert report.b2b_difference == 0.0
    assert report.p2b_difference == 0.0
    assert report.area_difference == 0.0
    assert report.clean


def test_fixed_block_may_turn():
    # Block 1 turned a quarter (2 x 1) and moved is allowed here but infeasible in the
    # contest.
    case = make_case(fixed=[False, True, False])
    layout = _with(1, [3, 0, 2, 1])
    assert original_report(case, layout).fixed == 0
    assert evaluate(case, layout).fixed_violations == 1
    assert original_report(case, _with(1, [3, 0, 1, 1.5])).fixed == 1


def test_preplaced_overlap_threshold():
    case = make_case(preplaced=[False, False, True])
    # A shift of 1e-4 loses 1e-4 of overlap, below the 1e-3 threshold.
    assert original_report(case, _with(2, [1e-4, 2, 3, 1])).preplaced == 0
    assert original_report(case, _with(2, [0.01, 2, 3, 1])).preplaced == 1


def test_mib_compares_with_first_member():
    # Shapes 2 x 2, 1 x 2, 3 x 1: both later members differ from the first, so 2
    # violations. The contest counts distinct shapes - 1, which is also 2.
    case = make_case(mib=[1, 1, 1])
    assert original_report(case, layout_from_boxes(BOXES)).mib == 2
    # Shapes 1 x 2, 2 x 2, 2 x 2: 2 violations here, but 1 in the contest.
    boxes = np.array([[0, 0, 1, 2], [1, 0, 2, 2], [3, 0, 2, 2]], dtype=float)
    case = make_case(mib=[1, 1, 1])
    assert original_report(case, layout_from_boxes(boxes)).mib == 2
    assert evaluate(case, layout_from_boxes(boxes)).mib_violations == 1


def test_cluster_counts_every_part():
    # Moving block 1 right by 1 splits the cluster {0, 1} into 2 parts. That counts 2
    # violations here and (parts - 1) = 1 in the contest.
    case = make_case(cluster=[1, 1, 0])
    layout = _with(1, [3, 0, 1, 2])
    assert original_report(case, layout).cluster == 2
    assert evaluate(case, layout).grouping_violations == 1


def test_boundary_uses_origin_box():
    # After the whole layout moves by (5, 5), block 0 still sits at the bounding box's
    # bottom-left corner, but not at the origin box's.
    case = make_case(boundary=[9, 2, 0])
    shifted = BOXES + np.array([5.0, 5.0, 0.0, 0.0])
    report = original_report(case, layout_from_boxes(shifted))
    # Block 0 misses the origin box's left and bottom sides, and block 1 still
    # touches the right side x = 8.
    assert report.boundary == 1
    assert evaluate(case, layout_from_boxes(shifted)).boundary_violations == 0


def test_boundary_touch_is_exact():
    case = make_case(boundary=[0, 2, 0])
    # Block 1 ends 1e-9 left of the right side x = 3, which block 2 sets.
    layout = _with(1, [2 - 1e-9, 0, 1, 2])
    assert original_report(case, layout).boundary == 1


def test_area_compared_in_float16():
    case = make_case()
    case.area_target[0] = 3376.0
    # 3375 rounds to 3376 in float16 (spacing 2 between 2048 and 4096) but 3370 does not.
    for area, violates in [(3375.0, False), (3370.0, True)]:
        layout = layout_from_boxes(BOXES)
        layout[0] = geometry.rectangle(0, 0, area, 1)
        report = original_report(case, layout)
        assert (0 in report.area_violations) == violates, area


def test_difference_tolerance():
    assert difference_with_tolerance(1.009, 1.0) == 0.0
    assert difference_with_tolerance(1.02, 1.0) == pytest.approx(0.02)
    assert difference_with_tolerance(0.98, 1.0) == pytest.approx(-0.02)


def test_difference_equal_to_tolerance_kept():
    assert difference_with_tolerance(1.5, 1.0, tolerance=0.5) == 0.5
    assert difference_with_tolerance(0.5, 1.0, tolerance=0.5) == -0.5


def test_area_compared_in_float32_for_float32_targets():
    # Lite files store T0 in float32. Rounding the area 2049 to float16 gave 2048,
    # which fell below the target 2049.
    case = dataclasses.replace(make_case(), area_dtype="float32")
    case.area_target[0] = 2049.0
    layout = layout_from_boxes(BOXES)
    layout[0] = geometry.rectangle(0, 0, 2049.0, 1)
    assert 0 not in original_report(case, layout).area_violations


def test_build_case_records_area_dtype():
    square = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    for dtype, name in [(torch.float16, "float16"), (torch.float32, "float32")]:
        t0 = torch.tensor([[1.0, 0, 0, 0, 0, 0]], dtype=dtype)
        data = [[t0, torch.zeros(0, 3), torch.zeros(0, 3), torch.zeros(0, 2)]]
        case = build_case("hand", "lite", data, [[torch.zeros(8), [square]]])
        assert case.area_dtype == name
