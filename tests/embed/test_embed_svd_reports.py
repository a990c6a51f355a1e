"""Randomized SVD cases that other SVD routines have got wrong."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from graphkit.embed import DenseMatrix, randomized_svd


def test_wide_matrix_signs_follow_u():
    # A wide matrix is decomposed through its transpose. The signs must still make the
    # largest-magnitude entry of every column of U positive, not of V.
    generator = torch.Generator().manual_seed(0)
    dense = torch.randn(8, 10, generator=generator, dtype=torch.float64)
    u, s, v = randomized_svd(DenseMatrix(dense), 8, n_iter=4)
    columns = torch.arange(8)
    assert (u[u.abs().argmax(0), columns] > 0).all()
    assert_close((u * s) @ v.T, dense, atol=1e-9, rtol=0)


def test_singular_matrix_gives_orthonormal_factors():
    # diag(0, 1) has a zero singular value, and its singular vectors must still be
    # orthonormal: [0, 1] for the value 1 and [1, 0] for 0, up to sign.
    dense = torch.tensor([[0.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    u, s, v = randomized_svd(DenseMatrix(dense), 2, n_iter=2)
    assert_close(s, torch.tensor([1.0, 0.0], dtype=torch.float64))
    assert_close(u.abs(), torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64))
    assert_close(v.abs(), torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64))
    assert_close(u.T @ u, torch.eye(2, dtype=torch.float64))
    assert_close(v.T @ v, torch.eye(2, dtype=torch.float64))
