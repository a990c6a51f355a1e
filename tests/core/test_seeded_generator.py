"""Seeds of any integer type give the generator of the equal Python int."""

import numpy as np
import pytest
import torch

from graphkit.datasets import synthetic_csbm
from graphkit.distributed.partition import random_parts
from graphkit.seeds import seeded_generator


@pytest.mark.parametrize("seed", [np.int64(3), np.int32(3), torch.tensor(3)])
def test_integer_types_match_int(seed):
    expected = torch.rand(4, generator=seeded_generator(3))
    assert torch.equal(torch.rand(4, generator=seeded_generator(seed)), expected)


@pytest.mark.parametrize("seed", [1.5, True, "3", torch.tensor(3.0)])
def test_non_integer_seed_rejected(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        seeded_generator(seed)


def test_random_parts_numpy_seed():
    assert torch.equal(random_parts(10, 3, seed=np.int64(3)), random_parts(10, 3, seed=3))


def test_csbm_numpy_seed():
    small = {"num_nodes": 50, "num_classes": 2, "avg_degree": 4}
    data = synthetic_csbm(seed=np.int64(1), **small)
    reference = synthetic_csbm(seed=1, **small)
    assert torch.equal(data.edge_index, reference.edge_index)
    assert torch.equal(data.x, reference.x)
