"""LinkPredictionConfig settings that the SVD would reject only after the matrix is built."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.linkpred import LinkPredictionConfig


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.complex64])
def test_unsupported_dtype_rejected(dtype):
    with pytest.raises(
        ValueError, match="dtype must be torch.float32 or torch.float64"
    ):
        LinkPredictionConfig(dtype=dtype)


def test_unknown_orthonormalizer_rejected():
    with pytest.raises(ValueError, match="unknown orthonormalizer 'householder'"):
        LinkPredictionConfig(orthonormalizer="householder")


def test_supported_settings_accepted():
    config = LinkPredictionConfig(dtype=torch.float64, orthonormalizer="cholesky")
    assert config.dtype == torch.float64
