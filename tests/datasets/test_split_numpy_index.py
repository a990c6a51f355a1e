"""Dataset splits selected by numpy integers, as a loop over np.arange gives them."""

import numpy as np
import pytest
import torch
from graphkit.datasets import InvalidSplitError, load_dataset
from graphkit.datasets.splits import select_split
from torch_geometric.data import Data


def _two_split_data():
    masks = torch.tensor([[True, False], [False, True], [False, False]])
    return Data(
        x=torch.zeros(3, 1), train_mask=masks, val_mask=~masks, test_mask=masks
    )


@pytest.mark.parametrize("split", [np.int64(1), np.int32(1), 1])
def test_select_split_accepts_numpy_integer(split):
    data = select_split(_two_split_data(), split, "tiny")
    assert data.train_mask.tolist() == [False, True, False]
    assert data.val_mask.tolist() == [True, False, True]


@pytest.mark.parametrize("split", [True, 1.0, np.float64(1.0), "1"])
def test_select_split_rejects_other_types(split):
    with pytest.raises(InvalidSplitError, match="split must be None or an integer"):
        select_split(_two_split_data(), split, "tiny")


def test_synthetic_numpy_split():
    data = load_dataset("synthetic", split=np.int64(0), num_nodes=30, num_classes=3)
    assert data.train_mask.dim() == 1
    plain = load_dataset("synthetic", split=0, num_nodes=30, num_classes=3)
    for name in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(data[name], plain[name]), name
