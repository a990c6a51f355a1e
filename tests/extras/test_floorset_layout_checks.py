"""build_case: malformed tensors and constraint columns, and non-rectilinear polygons."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import build_case


def _layout():
    """Return the data and label objects of a two-block layout with three pins."""
    t0 = torch.tensor([[1.0, 0, 0, 0, 0, 1], [1.0, 0, 0, 0, 0, 2]])
    b2b = torch.tensor([[0.0, 1.0, 1.0]])
    p2b = torch.tensor([[0.0, 0.0, 1.0], [2.0, 1.0, 1.0]])
    pins = torch.tensor([[0.0, 0.0], [1.0, 5.0], [9.0, 3.0]])
    square = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    polygons = [square, square + torch.tensor([1.0, 0.0])]
    return [[t0, b2b, p2b, pins]], [[torch.zeros(8), polygons]]


def test_valid_layout_reads_pins_as_rows():
    data, label = _layout()
    data[0][1] = torch.tensor([[0.0, 1.0, 1.0], [-1.0, -1.0, -1.0]])
    case = build_case("hand", "lite", data, label)
    assert case.pins.tolist() == [[0.0, 0.0], [1.0, 5.0], [9.0, 3.0]]
    assert case.b2b.tolist() == [[0.0, 1.0, 1.0]]
    assert case.boundary.tolist() == [1, 2]


def test_empty_net_tensor_is_no_nets():
    data, label = _layout()
    data[0][1] = torch.zeros(0)
    case = build_case("hand", "lite", data, label)
    assert case.b2b.shape == (0, 3)


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        # (2, 3) used to be reshaped to (3, 2), which moved every pin silently.
        (3, lambda t: t.T.contiguous(), r"pins_pos has shape \(2, 3\), expected"),
        (3, lambda t: torch.cat([t, t[:, :1]], 1), r"pins_pos has shape \(3, 3\)"),
        (1, lambda t: t[:, :2], r"b2b has shape \(1, 2\), expected \(rows, 3\)"),
        (2, lambda t: t.reshape(-1), r"p2b has shape \(6,\), expected \(rows, 3\)"),
        (0, lambda t: t.T.contiguous(), r"T0 has shape \(6, 2\), expected"),
        (2, lambda t: t.tolist(), "p2b is a list, expected a tensor"),
    ],
)
def test_malformed_data_tensor_rejected(index, value, message):
    data, label = _layout()
    data[0][index] = value(data[0][index])
    with pytest.raises(ValueError, match=f"hand: {message}"):
        build_case("hand", "lite", data, label)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "found no list"),
        (torch.zeros(3), "found no list"),
        ([[torch.zeros(2, 6)] * 3], "found 3 parts"),
    ],
)
def test_data_file_structure_rejected(data, message):
    _, label = _layout()
    with pytest.raises(ValueError, match=f"data file must contain .*{message}"):
        build_case("hand", "lite", data, label)


def test_short_metrics_rejected():
    data, label = _layout()
    label[0][0] = torch.zeros(5)
    with pytest.raises(ValueError, match=r"hand: metrics has shape \(5,\)"):
        build_case("hand", "lite", data, label)


def test_transposed_polygon_rejected():
    data, label = _layout()
    label[0][1][0] = label[0][1][0].T.contiguous()
    with pytest.raises(ValueError, match=r"polygon of block 0 has shape \(2, 5\)"):
        build_case("hand", "lite", data, label)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (0, -5.0, r"area target \(column 0\) must be >= 0, found \[-5.0\]"),
        # A fractional id used to be truncated into group 1.
        (3, 1.5, r"MIB group \(column 3\) must be a whole number >= 0"),
        (4, -2.0, r"cluster group \(column 4\) must be a whole number >= 0"),
        # Code 16 names no side, but it counted in the soft-constraint normaliser.
        (5, 16.0, r"boundary code \(column 5\) must be a whole number in 0..15"),
        (5, 2.5, r"boundary code \(column 5\) .*found \[2.5\] at blocks \[1\]"),
    ],
)
def test_invalid_constraint_column_rejected(column, value, message):
    data, label = _layout()
    data[0][0][1, column] = value
    with pytest.raises(ValueError, match=f"hand: T0 {message}"):
        build_case("hand", "lite", data, label)


def test_negative_net_weight_rejected():
    data, label = _layout()
    data[0][2][1, 2] = -0.5
    with pytest.raises(ValueError, match=r"p2b net weights .* found \[-0.5\]"):
        build_case("hand", "lite", data, label)


def test_slanted_reference_polygon_rejected():
    data, label = _layout()
    label[0][1][1] = torch.tensor([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 3.0]])
    with pytest.raises(ValueError, match="polygon of block 1: the edge from"):
        build_case("hand", "lite", data, label)


def test_slanted_polygon_not_decomposed():
    # Only the vertical edges were read, so this quadrilateral of area 4 came out
    # as one 2 x 1 rectangle.
    polygon = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 3.0]])
    with pytest.raises(ValueError, match=r"edge from \[2.0, 1.0\] to \[0.0, 3.0\]"):
        geometry.polygon_to_rects(polygon)


def test_open_vertex_list_closed_by_slanted_edge():
    # The closing edge from (2, 1) back to (0, 0) is slanted, so the L-shape was
    # decomposed without its lower-right part.
    ell = np.array([[0.0, 0.0], [0.0, 2.0], [1.0, 2.0], [1.0, 1.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=r"edge from \[2.0, 1.0\] to \[0.0, 0.0\]"):
        geometry.polygon_to_rects(ell)


@pytest.mark.parametrize(
    "vertices",
    [[[1.0, 0.0]], [[1.0, 0.0], [2.0, 0.0]], [[1.0, 0.0], [2.0, 0.0], [1.0, 0.0]]],
)
def test_reference_without_area_rejected(vertices):
    # Such a block used to load and fail only when the reference was scored, as
    # "block 1 has rectangles of shape (0, 4)".
    data, label = _layout()
    label[0][1][1] = torch.tensor(vertices)
    with pytest.raises(ValueError, match="polygon of block 1 encloses no area"):
        build_case("hand", "lite", data, label)
