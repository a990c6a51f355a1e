"""build_case rejects out-of-range net ids, NaN values and layouts without blocks."""

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
