"""Input checks and dtypes of the dense Gaussian filter, matched to the lattice filter."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from graphkit.lattice import dense_gaussian_filter, gaussian_filter

POSITIONS = torch.tensor([[0.0], [1.0], [3.0]])
VALUES = torch.tensor([[1.0], [2.0], [4.0]])


def test_float64_positions_with_float32_values():
    # The lattice filter returns float32 here, so the dense reference must as well.
    exact = dense_gaussian_filter(POSITIONS.double(), VALUES)
    assert exact.dtype == torch.float32
    assert gaussian_filter(POSITIONS.double(), VALUES).dtype == torch.float32
    assert_close(exact, dense_gaussian_filter(POSITIONS, VALUES))


def test_half_positions_compared_in_float32():
    exact = dense_gaussian_filter(POSITIONS.half(), VALUES)
    assert_close(exact, dense_gaussian_filter(POSITIONS, VALUES))


def test_first_row_by_hand():
    # Weights exp(0), exp(-1/2), exp(-9/2) on the values 1, 2, 4.
    weights = torch.tensor([0.0, -0.5, -4.5]).exp()
    expected = (weights * VALUES[:, 0]).sum() / weights.sum()
    assert_close(dense_gaussian_filter(POSITIONS, VALUES)[0, 0], expected)


@pytest.mark.parametrize(
    "positions, values, message",
    [
        (POSITIONS[:, 0], VALUES, r"positions must be a floating-point \[n, d\]"),
        (POSITIONS.long(), VALUES, r"positions must be a floating-point \[n, d\]"),
        (POSITIONS, VALUES[:, 0], r"values must be \[n, c\]"),
        (POSITIONS, VALUES[:2], r"values must be \[n, c\]"),
        (POSITIONS, VALUES.long(), "values must be float32 or float64"),
    ],
)
def test_invalid_inputs_rejected(positions, values, message):
    with pytest.raises(ValueError, match=message):
        dense_gaussian_filter(positions, values)
