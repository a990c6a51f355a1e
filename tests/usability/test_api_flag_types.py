"""Boolean flags of the Python API reject truthy strings, which select the other mode."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.common.gptq import gptq_quantize

from graphkit.embed import SparseMatrix
from graphkit.lattice import gaussian_filter

FLAG_VALUES = ["no", "False", None]


@pytest.mark.parametrize("flag", FLAG_VALUES)
def test_sparse_leaf_symmetric_flag(flag):
    # A truthy "no" would make the transpose of this non-symmetric matrix itself.
    matrix = torch.tensor([[0.0, 1.0], [0.0, 0.0]]).to_sparse()
    with pytest.raises(TypeError, match=r"symmetric must be True or False"):
        SparseMatrix(matrix, symmetric=flag)
    leaf = SparseMatrix(matrix, symmetric=False)
    assert leaf.T.to_dense().tolist() == [[0.0, 0.0], [1.0, 0.0]]


@pytest.mark.parametrize("flag", FLAG_VALUES)
@pytest.mark.parametrize("name", ["symmetric", "act_order"])
def test_gptq_flags(flag, name):
    weight = torch.tensor([[0.2, -0.7, 1.0, 0.4]])
    with pytest.raises(TypeError, match=rf"{name} must be True or False"):
        gptq_quantize(weight, torch.eye(4), **{name: flag})


@pytest.mark.parametrize("flag", FLAG_VALUES)
def test_lattice_normalize_flag(flag):
    positions = torch.tensor([[0.0, 0.0], [0.5, 0.5]])
    values = torch.tensor([[1.0], [3.0]])
    with pytest.raises(TypeError, match=r"normalize must be True or False"):
        gaussian_filter(positions, values, normalize=flag)
