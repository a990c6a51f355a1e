"""Types and ranges of randomized_svd's integer arguments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphkit.embed import DenseMatrix, randomized_svd

MATRIX = DenseMatrix(torch.diag(torch.tensor([3.0, 2.0, 1.0])))


@pytest.mark.parametrize(
    "arguments, name",
    [
        ({"rank": 2.0}, "rank"),
        ({"rank": True}, "rank"),
        ({"rank": 2, "n_iter": 1.5}, "n_iter"),
        ({"rank": 2, "oversample": 1.0}, "oversample"),
    ],
)
def test_non_integer_counts_rejected(arguments, name):
    with pytest.raises(TypeError, match=f"{name} must be an int"):
        randomized_svd(MATRIX, **arguments)


def test_negative_oversample_rejected():
    # A negative count is a mistake, not a request for no oversampling.
    with pytest.raises(ValueError, match="oversample must be >= 0 or None, got -1"):
        randomized_svd(MATRIX, 2, oversample=-1)


def test_numpy_integers_accepted():
    _, s, _ = randomized_svd(MATRIX, np.int64(2), oversample=np.int32(1), n_iter=2)
    assert s.tolist() == pytest.approx([3.0, 2.0])
