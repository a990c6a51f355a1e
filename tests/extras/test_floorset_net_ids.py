"""build_case: column decoding, padding, out-of-range net ids, NaN values, empty layouts."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.floorset.data import build_case


def _layout(b2b, p2b):
    t0 = torch.tensor([[1.0, 0, 0, 0, 0, 0], [1.0, 0, 0, 0, 0, 0]])
    pins = torch.tensor([[0.0, 0.0]])
    square = [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    polygons = [torch.tensor(square), torch.tensor(square) + torch.tensor([1.0, 0.0])]
    data = [[t0, torch.tensor(b2b), torch.tensor(p2b), pins]]
    label = [[torch.zeros(8), polygons]]
    return data, label


def test_valid_ids_accepted():
    case = build_case("hand", "prime", *_layout([[0.0, 1.0, 1.0]], [[0.0, 1.0, 1.0]]))
    assert case.b2b.tolist() == [[0.0, 1.0, 1.0]]
    assert case.p2b.tolist() == [[0.0, 1.0, 1.0]]


@pytest.mark.parametrize(
    ("b2b", "p2b", "what"),
    [
        ([[0.0, 2.0, 1.0]], [[0.0, 1.0, 1.0]], "b2b block ids"),
        ([[0.0, 1.0, 1.0]], [[3.0, 1.0, 1.0]], "p2b pin ids"),
        ([[0.0, 1.0, 1.0]], [[0.0, 5.0, 1.0]], "p2b block ids"),
        ([[0.5, 1.0, 1.0]], [[0.0, 1.0, 1.0]], "b2b block ids"),
    ],
)
def test_out_of_range_ids_rejected(b2b, p2b, what):
    with pytest.raises(ValueError, match=f"hand: {what} must be whole numbers"):
        build_case("hand", "prime", *_layout(b2b, p2b))


@pytest.mark.parametrize("part", ["T0", "b2b", "pins_pos", "metrics", "polygons"])
def test_nan_in_layout_file_rejected(part):
    data, label = _layout([[0.0, 1.0, 1.0]], [[0.0, 1.0, 1.0]])
    tensor = {
        "T0": data[0][0],
        "b2b": data[0][1],
        "pins_pos": data[0][3],
        "metrics": label[0][0],
        "polygons": label[0][1][0],
    }[part]
    tensor.view(-1)[1] = float("nan")
    with pytest.raises(ValueError, match=f"hand: {part} has 1 non-finite values"):
        build_case("hand", "prime", data, label)


def test_no_blocks_rejected():
    data, label = _layout([[0.0, 1.0, 1.0]], [[0.0, 1.0, 1.0]])
    data[0][0] = torch.zeros((0, 6))
    label[0][1] = []
    with pytest.raises(ValueError, match="hand: T0 has no blocks"):
        build_case("hand", "prime", data, label)


def test_columns_and_padding_decoded():
    # T0 columns: area, fixed, preplaced, MIB group, cluster group, boundary code.
    # Rows and polygon vertices of -1 are batch padding.
    t0 = torch.tensor(
        [[4.0, 1, 0, 2, 3, 9], [2.0, 0, 1, 0, 1, 2], [-1.0, -1, -1, -1, -1, -1]]
    )
    b2b = torch.tensor([[0.0, 1.0, 0.5], [-1.0, -1.0, -1.0]])
    p2b = torch.tensor([[0.0, 1.0, 2.0], [-1.0, -1.0, -1.0]])
    pins = torch.tensor([[3.0, 0.0], [-1.0, -1.0]])
    closed = [[0.0, 0.0], [0.0, 2.0], [2.0, 2.0], [2.0, 0.0], [0.0, 0.0], [-1.0, -1.0]]
    polygons = [torch.tensor(closed), torch.tensor(closed)[:5] + torch.tensor([2.0, 0])]
    label = [[torch.arange(8.0), polygons]]
    case = build_case("hand", "prime", [[t0, b2b, p2b, pins]], label)
    assert case.num_blocks == 2
    assert case.area_target.tolist() == [4.0, 2.0]
    assert case.fixed.tolist() == [True, False]
    assert case.preplaced.tolist() == [False, True]
    assert case.mib.tolist() == [2, 0]
    assert case.cluster.tolist() == [3, 1]
    assert case.boundary.tolist() == [9, 2]
    assert case.b2b.tolist() == [[0.0, 1.0, 0.5]]
    assert case.p2b.tolist() == [[0.0, 1.0, 2.0]]
    assert case.pins.tolist() == [[3.0, 0.0]]
    assert case.metrics.tolist() == list(range(8))
    # The closing vertex and the padding are dropped.
    assert case.reference[0].tolist() == [[0, 0], [0, 2], [2, 2], [2, 0]]
    assert case.reference[1].tolist() == [[2, 0], [2, 2], [4, 2], [4, 0]]
