"""FloorSet evaluators take a layout of nested lists as well as arrays."""

import numpy as np
from graphkit.extras.floorset.evaluate import evaluate
from graphkit.extras.floorset.original import original_report

from floorset_cases import make_case

BOXES = [[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]]
RECTANGLES = [[[0, 0, 1, 1]], [[1, 0, 2, 1]]]


def test_contest_evaluator_accepts_lists():
    case = make_case(BOXES, metrics=[2.0, 0, 1, 1, 0, 0, 1.0, 0.0])
    result = evaluate(case, RECTANGLES)
    assert result.feasible
    assert result.hpwl == 1.0
    assert result.bbox_area == 2.0
    assert result.cost == 1.0


def test_lists_score_like_arrays():
    case = make_case(BOXES, metrics=[2.0, 0, 1, 1, 0, 0, 1.0, 0.0])
    arrays = [np.array(block, dtype=np.float64) for block in RECTANGLES]
    assert evaluate(case, RECTANGLES) == evaluate(case, arrays)


def test_original_evaluator_accepts_lists():
    case = make_case(BOXES, metrics=[2.0, 0, 1, 1, 0, 0, 1.0, 0.0])
    report = original_report(case, RECTANGLES)
    assert report.clean
