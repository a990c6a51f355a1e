"""Implicit-matrix leaves built from integer or boolean tensors."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import DenseMatrix, Diagonal, LowRank, SparseMatrix, as_implicit


@pytest.mark.parametrize(
    "build",
    [
        lambda: DenseMatrix(torch.ones(2, 2, dtype=torch.long)),
        lambda: as_implicit(torch.eye(2, dtype=torch.int32).to_sparse()),
        lambda: Diagonal(torch.tensor([1, 2])),
        lambda: LowRank(torch.ones(2, 1, dtype=torch.bool), torch.ones(2, 1)),
        lambda: SparseMatrix.from_edge_index(
            torch.tensor([[0], [1]]), 2, dtype=torch.long
        ),
    ],
)
def test_integer_leaf_rejected(build):
    # matmul casts its operand to the leaf's dtype, so an int64 leaf times 0.5 gave 0.
    with pytest.raises(TypeError, match="needs a floating-point dtype"):
        build()


def test_float_leaf_keeps_fractions():
    product = DenseMatrix(torch.ones(2, 2)).matmul(torch.tensor([[0.5], [0.5]]))
    assert product.tolist() == [[1.0], [1.0]]
