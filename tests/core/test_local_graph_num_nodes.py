"""LocalGraph takes a whole, non-negative node count and names any other value."""

import numpy as np
import pytest
import torch
from graphkit.graph import LocalGraph

EDGES = torch.tensor([[0, 1], [1, 2]])


@pytest.mark.parametrize("count", [3.7, -1, float("nan"), float("inf"), True, "3", None])
def test_invalid_counts_rejected(count):
    with pytest.raises(ValueError, match="num_nodes must be a non-negative whole number"):
        LocalGraph(EDGES, count)


@pytest.mark.parametrize("count", [3, 3.0, np.int64(3), torch.tensor(3)])
def test_whole_counts_accepted(count):
    assert LocalGraph(EDGES, count).num_nodes == 3
