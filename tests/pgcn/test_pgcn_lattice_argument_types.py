"""The lattice filter rejects lists and 0-dim tensors with messages that name them."""

from __future__ import annotations

import pytest
import torch

from graphkit.lattice import PermutohedralLattice, enclosing_simplex, gaussian_filter

POSITIONS = [[0.0, 0.0], [1.0, 0.5], [0.2, 2.0]]
VALUES = [[1.0], [2.0], [3.0]]


def test_list_positions_rejected():
    with pytest.raises(TypeError, match=r"positions must be a torch\.Tensor.*got list"):
        gaussian_filter(POSITIONS, torch.tensor(VALUES))
    with pytest.raises(TypeError, match=r"positions must be a torch\.Tensor.*got list"):
        enclosing_simplex(POSITIONS)


def test_list_values_rejected():
    lattice = PermutohedralLattice(torch.tensor(POSITIONS))
    with pytest.raises(TypeError, match=r"values must be a torch\.Tensor.*got list"):
        lattice.filter(VALUES)


def test_zero_dim_positions_rejected():
    with pytest.raises(
        ValueError, match=r"floating-point \[n, d\] tensor, got shape \(\)"
    ):
        PermutohedralLattice(torch.tensor(1.0))


def test_tensor_inputs_filtered():
    # A single point filters to its own value under normalisation.
    out = gaussian_filter(torch.tensor([[0.5, 0.5]]), torch.tensor([[3.0]]))
    assert out.tolist() == [[3.0]]
