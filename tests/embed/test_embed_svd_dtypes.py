"""Randomized SVD input dtypes: real float32 and float64 only."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import DenseMatrix, randomized_svd


@pytest.mark.parametrize("dtype", [torch.complex64, torch.float16, torch.bfloat16])
def test_unsupported_dtype_rejected(dtype):
    # A complex matrix would be decomposed with M^T in place of the conjugate transpose
    # and give wrong singular values, so it is rejected like the dtypes torch's QR lacks.
    # Integer leaves are rejected when built.
    matrix = DenseMatrix(torch.ones(6, 4).to(dtype))
    with pytest.raises(ValueError, match=f"float32 and float64 matrices, got {dtype}"):
        randomized_svd(matrix, 2)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_real_dtypes_keep_dtype(dtype):
    dense = torch.tensor([[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]], dtype=dtype)
    u, s, v = randomized_svd(DenseMatrix(dense), 2, n_iter=2)
    assert u.dtype == dtype
    assert v.dtype == dtype
    assert s.dtype == dtype
    assert s.tolist() == pytest.approx([3.0, 2.0])
