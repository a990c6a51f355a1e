"""A zero-area block is infeasible but still has a centre and a finite wire length."""

import warnings

import numpy as np
from floorset_cases import make_case
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.evaluate import evaluate


def test_zero_width_rectangle_centre():
    centre = geometry.rects_centroid(np.array([[2.0, 1.0, 2.0, 5.0]]))
    assert centre.tolist() == [2.0, 3.0]


def test_zero_area_block_scores_finite():
    case = make_case([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]])
    # Block 1 is a vertical segment from (3, 0) to (3, 2): centre (3, 1).
    layout = [np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[3.0, 0.0, 3.0, 2.0]])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate(case, layout)
    assert not result.feasible
    assert result.area_violations == 1
    assert result.cost == 10.0
    # |3 - 0.5| + |1 - 0.5| = 3 between the two centres, with net weight 1.
    assert result.hpwl == 3.0


def test_zero_area_fixed_block_is_violation():
    case = make_case([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]])
    case.fixed[1] = True
    # A zero-height block has no slab, so its canonical form is an empty (0, 4)
    # array, and the shape check must compare it without a reduction over no rows.
    layout = [np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[1.0, 0.0, 2.0, 0.0]])]
    result = evaluate(case, layout)
    assert not result.feasible
    assert result.fixed_violations == 1
    assert result.cost == 10.0


def test_zero_area_mib_blocks_share_shape():
    case = make_case([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]], mib=[1, 1])
    layout = [np.array([[0.0, 0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 2.0, 0.0]])]
    result = evaluate(case, layout)
    # Both zero-height blocks cover no area, so their shapes are equal.
    assert result.mib_violations == 0
