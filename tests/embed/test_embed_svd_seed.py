"""randomized_svd checks its seed before torch's generator reads it."""

import pytest
import torch

from graphkit.embed import DenseMatrix, randomized_svd

MATRIX = DenseMatrix(torch.diag(torch.tensor([3.0, 2.0, 1.0])))


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1, 10**30])
def test_seed_out_of_range_rejected(seed):
    with pytest.raises(ValueError, match=rf"seed must lie in \[-2\*\*63, 2\*\*64\).*got {seed}"):
        randomized_svd(MATRIX, 2, seed=seed)


@pytest.mark.parametrize("seed", [1.5, "0", True])
def test_non_integer_seed_rejected(seed):
    with pytest.raises(TypeError, match="seed must be an int or None"):
        randomized_svd(MATRIX, 2, seed=seed)


@pytest.mark.parametrize("seed", [2**64 - 1, -(2**63), None])
def test_seed_range_ends_accepted(seed):
    _, s, _ = randomized_svd(MATRIX, 2, seed=seed)
    torch.testing.assert_close(s, torch.tensor([3.0, 2.0]))
