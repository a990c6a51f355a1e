"""Each implicit operation against the same operation on dense tensors."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from graphkit.embed import (
    DenseMatrix,
    Diagonal,
    LowRank,
    SparseMatrix,
    as_implicit,
    hstack,
    ones,
    vstack,
)

DTYPE = torch.float64


def random_sparse(rows: int, columns: int, density: float, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    mask = torch.rand(rows, columns, generator=generator) < density
    values = torch.randn(rows, columns, generator=generator, dtype=DTYPE)
    return (values * mask).to_sparse()


def randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(
        *shape, generator=torch.Generator().manual_seed(seed), dtype=DTYPE
    )


def check_both_products(implicit, dense: torch.Tensor, k: int = 3) -> None:
    """``M @ V`` and ``M.T @ V`` equal the dense products, and to_dense equals M."""
    v = randn(dense.shape[1], k, seed=11)
    w = randn(dense.shape[0], k, seed=12)
    assert implicit.shape == tuple(dense.shape)
    assert_close(implicit @ v, dense @ v)
    assert_close(implicit.T @ w, dense.T @ w)
    assert_close(implicit.rmatmul(w), dense.T @ w)
    assert_close(implicit.to_dense(), dense)


def test_leaves_match_dense():
    sparse = random_sparse(7, 5, 0.4, seed=0)
    check_both_products(SparseMatrix(sparse), sparse.to_dense())
    dense = randn(6, 4, seed=1)
    check_both_products(DenseMatrix(dense), dense)
    d = randn(5, seed=2)
    check_both_products(Diagonal(d), torch.diag(d))
    left, right = randn(6, 2, seed=3), randn(4, 2, seed=4)
    check_both_products(LowRank(left, right), left @ right.T)
    check_both_products(ones(3, 5, dtype=DTYPE), torch.ones(3, 5, dtype=DTYPE))


def test_ones_product_hand_values():
    v = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=DTYPE)
    out = ones(3, 2, dtype=DTYPE) @ v
    assert out.tolist() == [[4.0, 6.0], [4.0, 6.0], [4.0, 6.0]]


def test_sum_difference_scalar_match_dense():
    a_dense, b_dense = randn(5, 5, seed=5), random_sparse(5, 5, 0.5, seed=6).to_dense()
    a, b = DenseMatrix(a_dense), as_implicit(b_dense.to_sparse())
    check_both_products(a + b, a_dense + b_dense)
    check_both_products(a - b, a_dense - b_dense)
    check_both_products(2.5 * a - b * 0.5, 2.5 * a_dense - 0.5 * b_dense)
    check_both_products(-a / 4, -a_dense / 4)


def test_product_and_transpose_match_dense():
    a_dense, b_dense, c_dense = (
        randn(6, 4, seed=7),
        randn(4, 5, seed=8),
        randn(5, 3, seed=9),
    )
    product = (
        DenseMatrix(a_dense) @ SparseMatrix(b_dense.to_sparse()) @ DenseMatrix(c_dense)
    )
    check_both_products(product, a_dense @ b_dense @ c_dense)
    check_both_products(product.T, (a_dense @ b_dense @ c_dense).T)
    assert product.T.T is product


def test_powers_match_dense():
    t_dense = random_sparse(6, 6, 0.4, seed=10).to_dense()
    t = SparseMatrix(t_dense.to_sparse())
    for exponent in range(4):
        check_both_products(t**exponent, torch.linalg.matrix_power(t_dense, exponent))
    weighted = 0.5 * t + 0.3 * t**2 + 0.2 * t**3 - 0.1 * ones(6, 6, dtype=DTYPE)
    expected = (
        0.5 * t_dense
        + 0.3 * t_dense @ t_dense
        + 0.2 * torch.linalg.matrix_power(t_dense, 3)
        - 0.1 * torch.ones(6, 6, dtype=DTYPE)
    )
    check_both_products(weighted, expected)


def test_selection_and_stacking_match_dense():
    m_dense = randn(6, 5, seed=13)
    m = DenseMatrix(m_dense) + SparseMatrix(random_sparse(6, 5, 0.3, seed=14))
    m_dense = m.to_dense()
    rows = torch.tensor([4, 0, 4, 2])
    columns = torch.tensor([1, 1, 3])
    check_both_products(m.select_rows(rows), m_dense[rows])
    check_both_products(m.select_columns(columns), m_dense[:, columns])
    check_both_products(
        m.select_rows(rows).select_columns(columns), m_dense[rows][:, columns]
    )
    other = randn(6, 2, seed=15)
    check_both_products(
        hstack(m, DenseMatrix(other)), torch.cat([m_dense, other], dim=1)
    )
    below = randn(3, 5, seed=16)
    check_both_products(
        vstack(m, DenseMatrix(below)), torch.cat([m_dense, below], dim=0)
    )
    nested = vstack(
        hstack(m, DenseMatrix(other)), hstack(DenseMatrix(below), ones(3, 2, DTYPE))
    )
    expected = torch.cat(
        [
            torch.cat([m_dense, other], 1),
            torch.cat([below, torch.ones(3, 2, dtype=DTYPE)], 1),
        ]
    )
    check_both_products(nested, expected)


def test_vector_and_row_operand():
    m_dense = randn(4, 3, seed=17)
    m = DenseMatrix(m_dense)
    vector = randn(3, seed=18)
    assert (m @ vector).shape == (4,)
    assert_close(m @ vector, m_dense @ vector)
    left = randn(2, 4, seed=19)
    assert_close(left @ m, left @ m_dense)


class CountingSparse(SparseMatrix):
    calls = 0

    def _matmul(self, v, cache):
        CountingSparse.calls += 1
        return super()._matmul(v, cache)


def test_power_sum_shares_partial_powers():
    t = CountingSparse(random_sparse(8, 8, 0.3, seed=20), symmetric=False)
    window = 5
    weighted = sum(
        ((window - j + 1) * t**j for j in range(2, window + 1)), (window * t)
    )
    CountingSparse.calls = 0
    weighted @ randn(8, 2, seed=21)
    # T V, T (T V), ... each computed once: one product per power, not 1 + 2 + ... + 5.
    assert CountingSparse.calls == window
    CountingSparse.calls = 0
    weighted.T @ randn(8, 2, seed=22)
    assert CountingSparse.calls == window


def test_symmetric_leaf_is_its_transpose():
    dense = random_sparse(5, 5, 0.5, seed=23).to_dense()
    symmetric = SparseMatrix((dense + dense.T).to_sparse(), symmetric=True)
    assert symmetric.T is symmetric
    check_both_products(symmetric, dense + dense.T)


def test_invalid_inputs_raise():
    m = DenseMatrix(randn(3, 4, seed=24))
    with pytest.raises(ValueError, match="cannot multiply a 3 x 4"):
        m @ randn(3, 2, seed=25)
    with pytest.raises(ValueError, match="cannot add implicit matrices"):
        m + DenseMatrix(randn(4, 3, seed=26))
    with pytest.raises(ValueError, match="cannot multiply implicit matrices"):
        m @ m
    with pytest.raises(ValueError, match="only square matrices"):
        m**2
    with pytest.raises(ValueError, match="integer >= 0"):
        DenseMatrix(randn(3, 3, seed=27)) ** 1.5
    with pytest.raises(IndexError, match="row index out of range"):
        m.select_rows([0, 3])
    with pytest.raises(
        ValueError, match="HStack blocks must have the same number of rows"
    ):
        hstack(m, DenseMatrix(randn(2, 2, seed=28)))
    with pytest.raises(TypeError, match="expects a dense torch.Tensor"):
        m.matmul(randn(4, 4, seed=29).to_sparse())


def test_hstack_leaves_input_unchanged():
    # M ** 0 is the identity, whose product returns its input, so the first block's
    # product is a view of v. Adding the next block in place would change v.
    square = DenseMatrix(randn(3, 3, seed=13))
    stacked = hstack(square**0, square)
    v = randn(6, 2, seed=14)
    before = v.clone()
    out = stacked @ v
    assert torch.equal(v, before)
    assert_close(out, before[:3] + square.matrix @ before[3:])


def test_from_edge_index_sums_duplicate_pairs():
    edge_index = torch.tensor([[0, 1, 0, 2], [1, 2, 1, 2]])
    weight = torch.tensor([0.5, 2.0, 1.5, 3.0], dtype=DTYPE)
    matrix = SparseMatrix.from_edge_index(edge_index, 3, weight, dtype=DTYPE)
    expected = torch.tensor(
        [[0.0, 2.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 3.0]], dtype=DTYPE
    )
    assert torch.equal(matrix.to_dense(), expected)
