"""The FloorSet evaluators reject NaN, inverted and empty block rectangles."""

from __future__ import annotations

import numpy as np
import pytest
from floorset_cases import make_case
from graphkit.extras.floorset.evaluate import (
    evaluate,
    layout_from_boxes,
    layout_from_polygons,
)
from graphkit.extras.floorset.original import original_report

CASE = make_case([[0, 0, 1, 1], [1, 0, 1, 1]])


@pytest.mark.parametrize("score", [evaluate, original_report])
@pytest.mark.parametrize(
    "boxes",
    [
        [[np.nan, 0, 1, 1], [1, 0, 1, 1]],
        [[0, 0, 1, np.nan], [1, 0, 1, 1]],
        [[0, 0, 1, 1], [np.inf, 0, 1, 1]],
    ],
)
def test_non_finite_box_rejected(score, boxes):
    with pytest.raises(ValueError, match="non-finite coordinates"):
        score(CASE, layout_from_boxes(boxes))


@pytest.mark.parametrize("score", [evaluate, original_report])
def test_inverted_boxes_rejected(score):
    # Both boxes have area 1 and cover overlapping squares, so they must not score
    # as a feasible layout.
    boxes = [[1, 1, -1, -1], [0.5, 0.5, -1, -1]]
    with pytest.raises(ValueError, match="block 0 has a rectangle with x1 < x0"):
        score(CASE, layout_from_boxes(boxes))


@pytest.mark.parametrize("score", [evaluate, original_report])
def test_block_without_rectangles_rejected(score):
    layout = [np.array([[0.0, 0.0, 1.0, 1.0]]), np.zeros((0, 4))]
    with pytest.raises(ValueError, match=r"block 1 has rectangles of shape \(0, 4\)"):
        score(CASE, layout)


def test_valid_layout_still_scores():
    result = evaluate(CASE, layout_from_boxes([[0, 0, 1, 1], [1, 0, 1, 1]]))
    assert result.feasible
    assert result.cost == 1.0


@pytest.mark.parametrize("score", [evaluate, original_report])
def test_overlapping_rectangles_in_block_rejected(score):
    # The repeated half would count twice and meet the area target of 1.
    layout = [
        np.array([[0.0, 0.0, 1.0, 0.5], [0.0, 0.0, 1.0, 0.5]]),
        np.array([[1.0, 0.0, 2.0, 1.0]]),
    ]
    with pytest.raises(ValueError, match="block 0 has overlapping rectangles"):
        score(CASE, layout)


def test_touching_rectangles_in_block_accepted():
    layout = [
        np.array([[0.0, 0.0, 1.0, 0.5], [0.0, 0.5, 1.0, 1.0]]),
        np.array([[1.0, 0.0, 2.0, 1.0]]),
    ]
    assert evaluate(CASE, layout).feasible


def test_block_in_separate_pieces_infeasible():
    # Block 1 meets its area 4 with two 1 x 2 pieces 2 units apart. It used to
    # score as feasible.
    case = make_case([[0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]])
    layout = [
        np.array([[0.0, 0.0, 2.0, 2.0]]),
        np.array([[2.0, 0.0, 3.0, 2.0], [5.0, 0.0, 6.0, 2.0]]),
    ]
    result = evaluate(case, layout)
    assert result.split_blocks == 1
    assert result.area_violations == 0
    assert not result.feasible
    assert result.cost == 10.0


def test_block_meeting_at_corner_infeasible():
    case = make_case([[0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]])
    layout = [
        np.array([[0.0, 0.0, 2.0, 2.0]]),
        np.array([[2.0, 0.0, 3.0, 2.0], [3.0, 2.0, 4.0, 4.0]]),
    ]
    result = evaluate(case, layout)
    assert result.split_blocks == 1
    assert not result.feasible


def test_block_of_joined_rectangles_feasible():
    case = make_case([[0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]])
    layout = [
        np.array([[0.0, 0.0, 2.0, 2.0]]),
        np.array([[2.0, 0.0, 4.0, 1.0], [2.0, 1.0, 4.0, 2.0]]),
    ]
    result = evaluate(case, layout)
    whole = evaluate(case, [layout[0], np.array([[2.0, 0.0, 4.0, 2.0]])])
    assert result.split_blocks == 0
    assert result.feasible
    assert result.cost == whole.cost
    assert result.hpwl == whole.hpwl


def test_slanted_polygon_names_block():
    square = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    slanted = np.array([[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=r"^polygon of block 1: the edge from"):
        layout_from_polygons([square, slanted])


@pytest.mark.parametrize("score", [evaluate, original_report])
def test_complex_coordinates_rejected(score):
    # A cast to float64 would keep only the real parts, which equal the reference
    # layout, so the layout would score as feasible.
    layout = [
        np.array([[0, 0, 1, 1]]) + 5j,
        np.array([[1.0, 0.0, 2.0, 1.0]]),
    ]
    with pytest.raises(ValueError, match="block 0 has complex coordinates"):
        score(CASE, layout)


def test_box_array_as_layout_hints_conversion():
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 2.0, 1.0]])
    with pytest.raises(ValueError, match=r"shape \(4,\).*layout_from_boxes"):
        evaluate(CASE, boxes)
