"""The graph measures reject float or bool labels with the conversion that fixes them."""

import pytest
import torch
from graphkit.metrics import edge_homophily, nic
from torch_geometric.data import Data

EDGE_INDEX = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


@pytest.mark.parametrize("measure", [edge_homophily, nic])
def test_float_labels_hint(measure):
    data = Data(edge_index=EDGE_INDEX, y=torch.tensor([0.0, 1.0, 0.0, 1.0]))
    message = (
        r"y must have an integer dtype, got torch.float32. Convert class ids with "
        r"y.long\(\)"
    )
    with pytest.raises(ValueError, match=message):
        measure(data)


@pytest.mark.parametrize("measure", [edge_homophily, nic])
def test_nan_labels_hint(measure):
    y = torch.tensor([0.0, float("nan"), 1.0, 1.0])
    message = r"Mark unlabelled nodes with -1: torch.nan_to_num\(y, nan=-1\).long\(\)"
    with pytest.raises(ValueError, match=message):
        measure(EDGE_INDEX, y)


def test_converted_labels_measured():
    y = torch.nan_to_num(torch.tensor([0.0, float("nan"), 1.0, 1.0]), nan=-1).long()
    # Node 1 is unlabelled, so only the undirected edges {2, 3} and {3, 0} count,
    # and of their four directions the two of {2, 3} join equal labels.
    assert edge_homophily(EDGE_INDEX, y) == 0.5
