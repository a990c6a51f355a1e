"""Randomized SVD against torch.linalg.svd of the densified matrix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from torch.testing import assert_close

from graphkit.embed import DenseMatrix, LowRank, randomized_svd, rsvd
from graphkit.embed.implicit import ImplicitMatrix
from graphkit.embed.rsvd import flip_signs, orthonormalize_cholesky
from graphkit.embed.wys import wys_matrix


def small_graph(num_nodes: int = 40, seed: int = 0) -> torch.Tensor:
    """A ring (connected) plus random chords, as a (2, E) edge index."""
    generator = torch.Generator().manual_seed(seed)
    ring = torch.stack(
        [torch.arange(num_nodes), (torch.arange(num_nodes) + 1) % num_nodes]
    )
    chords = torch.randint(0, num_nodes, (2, 2 * num_nodes), generator=generator)
    return torch.cat([ring, chords], dim=1)


@pytest.mark.parametrize("orthonormalizer", ["qr", "cholesky"])
def test_singular_values_match_dense_svd(orthonormalizer):
    m = wys_matrix(small_graph(), 40, window=10, neg_coef=0.02, dtype=torch.float64)
    dense = m.to_dense()
    expected = torch.linalg.svdvals(dense)[:8]
    u, s, v = randomized_svd(m, 8, n_iter=10, orthonormalizer=orthonormalizer)
    torch.testing.assert_close(s, expected, rtol=1e-4, atol=0)
    assert u.shape == (40, 8)
    assert v.shape == (40, 8)
    # Orthonormal factors that reproduce M on its top subspace.
    assert_close(u.T @ u, torch.eye(8, dtype=torch.float64), atol=1e-8, rtol=0)
    assert_close(v.T @ v, torch.eye(8, dtype=torch.float64), atol=1e-8, rtol=0)
    assert_close(m @ v, u * s, atol=1e-4 * float(s[0]), rtol=0)


def test_wide_matrix_matches_dense_svd():
    generator = torch.Generator().manual_seed(1)
    dense = torch.randn(12, 50, generator=generator, dtype=torch.float64)
    u, s, v = randomized_svd(DenseMatrix(dense), 12, n_iter=4)
    assert u.shape == (12, 12)
    assert v.shape == (50, 12)
    assert_close(s, torch.linalg.svdvals(dense))
    assert_close((u * s) @ v.T, dense)


def test_full_rank_sketch_capped_at_columns():
    # Rank 4 requests 4 + 4 sketch columns, but a 6 x 4 matrix has only 4 independent
    # ones. The width is cut to 4, so Cholesky-QR gets no dependent columns.
    generator = torch.Generator().manual_seed(4)
    dense = torch.randn(6, 4, generator=generator, dtype=torch.float64)
    u, s, v = randomized_svd(
        DenseMatrix(dense), 4, n_iter=2, orthonormalizer="cholesky"
    )
    assert_close(s, torch.linalg.svdvals(dense))
    assert_close((u * s) @ v.T, dense)


def test_exact_low_rank_recovery():
    generator = torch.Generator().manual_seed(2)
    left = torch.randn(30, 3, generator=generator, dtype=torch.float64)
    right = torch.randn(20, 3, generator=generator, dtype=torch.float64)
    low_rank = LowRank(left, right)
    u, s, v = randomized_svd(low_rank, 3, oversample=2, n_iter=2)
    assert_close((u * s) @ v.T, left @ right.T)


def test_signs_fixed_and_seed_deterministic():
    m = wys_matrix(small_graph(), 40, dtype=torch.float64)
    u1, s1, v1 = randomized_svd(m, 5, seed=3)
    u2, s2, v2 = randomized_svd(m, 5, seed=4)
    columns = torch.arange(5)
    assert (u1[u1.abs().argmax(0), columns] > 0).all()
    # Different sketches converge to the same, sign-fixed, singular vectors.
    assert_close(u1, u2, atol=1e-6, rtol=0)
    assert_close(v1, v2, atol=1e-6, rtol=0)
    assert_close(s1, s2)


def test_timings_are_reported():
    timings: dict[str, float] = {}
    randomized_svd(wys_matrix(small_graph(), 40), 4, timings=timings)
    assert set(timings) == {"products", "svd"}
    assert timings["products"] > 0
    assert timings["svd"] >= 0


def test_timings_split_products_from_svd(monkeypatch):
    # A fake clock advances 1 s per product and does not advance otherwise, so the
    # 2 * n_iter + 2 = 8 products take all 8 s of the call and the rest takes 0 s.
    clock = [0.0]
    monkeypatch.setattr(rsvd, "time", SimpleNamespace(perf_counter=lambda: clock[0]))
    matmul = ImplicitMatrix.matmul

    def timed_matmul(self, v, cache=None):
        clock[0] += 1.0
        return matmul(self, v, cache)

    monkeypatch.setattr(ImplicitMatrix, "matmul", timed_matmul)
    timings = {"products": 10.0, "svd": 5.0}
    randomized_svd(DenseMatrix(torch.eye(6)), 2, n_iter=3, timings=timings)
    assert timings == {"products": 18.0, "svd": 5.0}


def test_invalid_arguments_raise():
    m = DenseMatrix(torch.eye(4))
    with pytest.raises(ValueError, match=r"rank must lie in \[1, 4\]"):
        randomized_svd(m, 5)
    with pytest.raises(ValueError, match="unknown orthonormalizer"):
        randomized_svd(m, 2, orthonormalizer="householder")
    rank_one = LowRank(torch.ones(10, 1), torch.ones(10, 1))
    with pytest.raises(ValueError, match="Cholesky-QR failed"):
        randomized_svd(rank_one, 3, oversample=0, orthonormalizer="cholesky")


def test_cholesky_qr_of_large_columns():
    # The squares of 3e19 and 4e19 overflow float32, so a plain column norm is inf.
    block = torch.tensor([[3e19, 0.0], [4e19, 0.0], [0.0, 1e20]])
    expected = torch.tensor([[0.6, 0.0], [0.8, 0.0], [0.0, 1.0]])
    assert_close(orthonormalize_cholesky(block), expected)


@pytest.mark.parametrize("orthonormalizer", ["qr", "cholesky"])
def test_float32_matrix_of_large_norm(orthonormalizer):
    generator = torch.Generator().manual_seed(5)
    dense = torch.randn(60, 40, generator=generator)
    expected = torch.linalg.svdvals(dense.double())[:5] * 1e20
    _, s, _ = randomized_svd(
        DenseMatrix(dense * 1e20), 5, orthonormalizer=orthonormalizer
    )
    assert_close(s.double(), expected, rtol=1e-3, atol=0)


def test_flip_signs_keeps_zero_columns():
    # Column 0 of u is zero, so it has no sign and both of its vectors stay as they
    # are. Column 1 has its largest |entry| -2 and flips in u and v.
    u = torch.tensor([[0.0, 1.0], [0.0, -2.0]])
    v = torch.tensor([[1.0, 3.0], [2.0, 4.0]])
    flipped_u, flipped_v = flip_signs(u, v)
    assert flipped_u.tolist() == [[0.0, -1.0], [0.0, 2.0]]
    assert flipped_v.tolist() == [[1.0, -3.0], [2.0, -4.0]]
