"""Implicit matrices: complex operands of real matrices raise, and no result aliases v."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import DenseMatrix, LowRank, SparseMatrix

EDGE_INDEX = torch.tensor([[0, 1], [1, 0]])


def test_matmul_rejects_complex_vector():
    matrix = DenseMatrix(torch.eye(2))
    # A cast to float32 would keep the real parts 0 and return a zero product.
    v = torch.tensor([[1j], [2j]])
    with pytest.raises(TypeError, match=r"would drop its imaginary parts"):
        matrix.matmul(v)
    with pytest.raises(TypeError, match=r"would drop its imaginary parts"):
        matrix.T @ v


def test_low_rank_rejects_complex_right_factor():
    with pytest.raises(TypeError, match=r"real left \(torch\.float32\) and a complex"):
        LowRank(torch.ones(2, 1), torch.ones(2, 1) * 1j)


def test_sparse_leaf_rejects_complex_weights():
    weight = torch.tensor([1j, 2j])
    with pytest.raises(TypeError, match=r"edge_weight is torch\.complex64"):
        SparseMatrix.from_edge_index(EDGE_INDEX, 2, edge_weight=weight)


def test_sparse_leaf_rejects_float_num_nodes():
    with pytest.raises(TypeError, match=r"num_nodes must be an int, got 2\.5"):
        SparseMatrix.from_edge_index(EDGE_INDEX, 2.5)


@pytest.mark.parametrize("shape", [(2, 3), (2,)])
def test_identity_product_copies_input(shape):
    v = torch.ones(shape)
    out = DenseMatrix(torch.eye(2)) ** 0 @ v
    assert torch.equal(out, v)
    out += 1
    # An in-place edit of the result must leave the input unchanged.
    assert torch.equal(v, torch.ones(shape))


def test_power_rejects_bool_exponent():
    with pytest.raises(ValueError, match=r"integer >= 0, got True"):
        DenseMatrix(torch.eye(2)) ** True
