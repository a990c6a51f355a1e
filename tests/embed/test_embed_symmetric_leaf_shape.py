"""A sparse leaf declared symmetric must be square."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import SparseMatrix, as_implicit


def test_rectangular_symmetric_leaf_rejected():
    # Its transpose would be the leaf itself, still 2 x 3 instead of 3 x 2.
    rectangular = torch.ones(2, 3).to_sparse()
    with pytest.raises(ValueError, match=r"needs a square matrix, got shape \(2, 3\)"):
        SparseMatrix(rectangular, symmetric=True)
    with pytest.raises(ValueError, match="needs a square matrix"):
        as_implicit(rectangular, symmetric=True)


def test_rectangular_leaf_transposes():
    leaf = SparseMatrix(torch.ones(2, 3).to_sparse())
    assert leaf.T.shape == (3, 2)
    assert leaf.T.matmul(torch.ones(2, 1)).tolist() == [[2.0], [2.0], [2.0]]


def test_square_symmetric_leaf_is_own_transpose():
    leaf = SparseMatrix(torch.eye(3).to_sparse(), symmetric=True)
    assert leaf.T is leaf
