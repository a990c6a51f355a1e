"""Randomized SVD of matrices with NaN or infinite entries, and a failing float32 SVD."""

from __future__ import annotations

import logging
import math

import pytest
import torch

from graphkit.embed import DenseMatrix, randomized_svd


@pytest.mark.parametrize("orthonormalizer", ["qr", "cholesky"])
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_entries_rejected(orthonormalizer, bad):
    # Unchecked, torch's SVD raises a LinAlgError (a RuntimeError) and Cholesky-QR
    # blames linearly dependent columns.
    dense = torch.eye(4)
    dense[1, 2] = bad
    with pytest.raises(ValueError, match="contain NaN or infinite values"):
        randomized_svd(DenseMatrix(dense), 2, orthonormalizer=orthonormalizer)


def test_float32_svd_failure_retried_in_float64(monkeypatch, caplog):
    # LAPACK's gesdd can fail to converge in float32 on ill-conditioned input.
    svd = torch.linalg.svd

    def failing_in_float32(block, *args, **kwargs):
        if block.dtype == torch.float32:
            raise torch.linalg.LinAlgError(
                "linalg.svd: The algorithm failed to converge"
            )
        return svd(block, *args, **kwargs)

    monkeypatch.setattr(torch.linalg, "svd", failing_in_float32)
    dense = torch.diag(torch.tensor([3.0, 2.0, 1.0]))
    with caplog.at_level(logging.WARNING):
        u, s, v = randomized_svd(DenseMatrix(dense), 2, n_iter=2)
    assert "retrying in float64" in caplog.text
    assert s.dtype == torch.float32
    assert u.dtype == torch.float32
    assert v.dtype == torch.float32
    assert s.tolist() == pytest.approx([3.0, 2.0])


def test_float64_svd_failure_raised(monkeypatch):
    def failing(block, *args, **kwargs):
        raise torch.linalg.LinAlgError("linalg.svd: The algorithm failed to converge")

    monkeypatch.setattr(torch.linalg, "svd", failing)
    dense = torch.eye(3, dtype=torch.float64)
    with pytest.raises(torch.linalg.LinAlgError, match="failed to converge"):
        randomized_svd(DenseMatrix(dense), 2)


@pytest.mark.parametrize("orthonormalizer", ["qr", "cholesky"])
def test_float32_overflow_suggests_float64(orthonormalizer):
    # Every entry is finite, but the singular value 2 * 3e38 exceeds the float32
    # maximum of about 3.4e38, so the products overflow.
    dense = torch.full((2, 2), 3e38)
    with pytest.raises(ValueError, match="exceed the largest float32.*in float64"):
        randomized_svd(DenseMatrix(dense), 1, orthonormalizer=orthonormalizer)
