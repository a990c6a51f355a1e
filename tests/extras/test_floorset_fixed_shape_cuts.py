"""Fixed and preplaced blocks keep their shape however the region is cut."""

from __future__ import annotations

import dataclasses

import numpy as np
from floorset_cases import make_case
from graphkit.extras.floorset.evaluate import evaluate, layout_from_polygons

CASE = dataclasses.replace(
    make_case([[0, 0, 1, 1], [1, 0, 1, 1]]),
    fixed=np.array([True, False]),
    preplaced=np.array([False, True]),
)


def test_fixed_block_cut_in_two_slabs():
    layout = [
        np.array([[0.0, 0.0, 1.0, 0.5], [0.0, 0.5, 1.0, 1.0]]),
        np.array([[1.0, 0.0, 2.0, 1.0]]),
    ]
    result = evaluate(CASE, layout)
    assert result.fixed_violations == 0
    assert result.feasible


def test_preplaced_block_cut_in_two_slabs():
    layout = [
        np.array([[0.0, 0.0, 1.0, 1.0]]),
        np.array([[1.0, 0.0, 2.0, 0.5], [1.0, 0.5, 2.0, 1.0]]),
    ]
    result = evaluate(CASE, layout)
    assert result.preplaced_violations == 0
    assert result.feasible


def test_polygon_with_collinear_vertex():
    polygons = [
        np.array([[0, 0], [0, 0.5], [0, 1], [1, 1], [1, 0]], dtype=float),
        np.array([[1, 0], [1, 1], [2, 1], [2, 0]], dtype=float),
    ]
    result = evaluate(CASE, layout_from_polygons(polygons))
    assert result.fixed_violations == 0
    assert result.feasible


def test_changed_fixed_shape_still_violates():
    layout = [np.array([[0.0, 0.0, 0.5, 2.0]]), np.array([[1.0, 0.0, 2.0, 1.0]])]
    result = evaluate(CASE, layout)
    assert result.fixed_violations == 1
    assert not result.feasible


def test_same_cuts_with_rounding_noise():
    # Both decompositions have two slabs. Their x values differ by 1e-9, so the
    # canonical forms merge only the reference's slabs.
    reference = np.array([[0, 0], [0, 0.5], [0, 1], [1, 1], [1, 0.5], [1, 0]], float)
    case = dataclasses.replace(
        CASE, reference=[reference, CASE.reference[1]], area_target=np.array([1.0, 1.0])
    )
    layout = [
        np.array([[0.0, 0.0, 1.0, 0.5], [0.0, 0.5, 1.0 + 1e-9, 1.0]]),
        np.array([[1.0 + 1e-9, 0.0, 2.0 + 1e-9, 1.0]]),
    ]
    result = evaluate(case, layout)
    assert result.fixed_violations == 0


def test_fixed_block_split_apart_violates():
    # The two halves of the 1 x 2 reference, with a gap of 1 between them, cover
    # the same x interval but not one connected region.
    case = dataclasses.replace(
        make_case([[0, 0, 1, 2], [1, 0, 1, 2]]), fixed=np.array([True, False])
    )
    layout = [
        np.array([[0.0, 0.0, 1.0, 0.5], [0.0, 1.5, 1.0, 2.0]]),
        np.array([[1.0, 0.0, 2.0, 2.0]]),
    ]
    result = evaluate(case, layout)
    assert result.fixed_violations == 1
    assert not result.feasible
