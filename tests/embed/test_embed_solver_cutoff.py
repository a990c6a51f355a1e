"""Least squares through a truncated SVD drops numerically zero singular values.

Randomized SVD also fixes the signs of U for wide matrices."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from graphkit.embed import DenseMatrix, randomized_svd
from graphkit.embed.nodeclass import solve_least_squares


def test_tiny_singular_value_is_dropped():
    u = torch.eye(3, 2)
    v = torch.tensor([[0.6, 0.8], [0.8, -0.6]])
    # 1e-8 is below the cutoff 3 * eps(float32) * 4 = 1.4e-6, so only s = 4 is inverted.
    s = torch.tensor([4.0, 1e-8])
    targets = torch.tensor([[2.0], [5.0], [7.0]])
    weight = solve_least_squares(u, s, v, targets)
    assert_close(weight, torch.tensor([[0.6 * 2.0 / 4.0], [0.8 * 2.0 / 4.0]]))


def test_cutoff_scales_with_matrix_size():
    u = torch.eye(3, 2)
    v = torch.tensor([[0.6, 0.8], [0.8, -0.6]])
    # 1e-6 lies between eps(float32) * 4 = 4.8e-7 and the cutoff 3 * eps * 4 = 1.4e-6,
    # so the factor max(rows, columns) = 3 decides that it is dropped.
    s = torch.tensor([4.0, 1e-6])
    targets = torch.tensor([[2.0], [5.0], [7.0]])
    weight = solve_least_squares(u, s, v, targets)
    assert_close(weight, torch.tensor([[0.6 * 2.0 / 4.0], [0.8 * 2.0 / 4.0]]))


def test_zero_matrix_gives_zero_weights():
    u, v = torch.eye(4, 2), torch.eye(3, 2)
    weight = solve_least_squares(u, torch.zeros(2), v, torch.ones(4, 1))
    assert torch.equal(weight, torch.zeros(3, 1))


def test_rank_deficient_least_squares_residual():
    generator = torch.Generator().manual_seed(0)
    basis = torch.randn(50, 5, generator=generator)
    # The 20 float32 columns have rank 5, so the last 7 of 12 singular values are noise.
    system = torch.cat([basis, basis @ torch.randn(5, 15, generator=generator)], 1)
    targets = torch.randn(50, 3, generator=generator)
    u, s, v = randomized_svd(DenseMatrix(system), 12, oversample=4)
    weight = solve_least_squares(u, s, v, targets)
    best = torch.linalg.lstsq(basis.double(), targets.double()).solution
    best_residual = (basis.double() @ best - targets.double()).norm()
    residual = (system @ weight - targets).norm()
    assert float(residual) < 1.001 * float(best_residual)


def test_wide_matrix_signs_follow_left_vectors():
    # A wide matrix is decomposed through its transpose. The sign rule must still make
    # the largest-magnitude entry of every column of U positive, not of V.
    wide = torch.arange(80.0, dtype=torch.float64).reshape(8, 10)
    u, s, v = randomized_svd(DenseMatrix(wide), 3)
    columns = torch.arange(3)
    assert bool((u[u.abs().argmax(0), columns] > 0).all())
    assert_close((u * s) @ v.T, wide)
