"""build_case rejects net rows whose block or pin ids are out of range."""

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
