"""masks_for_split leaves its input unchanged, so one Data gives every split.

If it replaced the 2-D masks of its input by one column, a loop over splits
(masks_for_split(data, k) for k in range(S)) would train split 0 every time. From the
second call on, the masks would be 1-D and pass through unchanged.
"""

import copy

import pytest
import torch
from graphkit.datasets import GraphTensors
from graphkit.train.trainer import masks_for_split
from torch_geometric.data import Data

# Three splits of four nodes: split k trains node k.
TRAIN = torch.eye(4, 3, dtype=torch.bool)
VAL = TRAIN.roll(1, 0)
TEST = TRAIN.roll(2, 0)


def _fields():
    return {
        "x": torch.arange(8.0).view(4, 2),
        "y": torch.tensor([0, 1, 0, 1]),
        "train_mask": TRAIN.clone(),
        "val_mask": VAL.clone(),
        "test_mask": TEST.clone(),
    }


@pytest.mark.parametrize("container", [Data, GraphTensors])
def test_every_split_in_turn(container):
    data = container(**_fields())
    for split in range(3):
        selected = masks_for_split(data, split)
        assert selected.train_mask.tolist() == TRAIN[:, split].tolist()
        assert selected.val_mask.tolist() == VAL[:, split].tolist()
        assert selected.test_mask.tolist() == TEST[:, split].tolist()
        assert selected.x is data.x
    assert torch.equal(data.train_mask, TRAIN)
    assert torch.equal(data.test_mask, TEST)


def test_default_split_zero():
    selected = masks_for_split(Data(**_fields()), None)
    assert selected.train_mask.nonzero().flatten().tolist() == [0]


def test_one_dimensional_masks_returned():
    data = masks_for_split(Data(**_fields()), 1)
    assert masks_for_split(data, None) is data


def test_graph_tensors_copy_independent():
    data = GraphTensors(num_nodes=4, **_fields())
    copied = copy.copy(data)
    copied.train_mask = None
    copied.y = torch.zeros(4)
    assert "train_mask" in data
    assert data.y.tolist() == [0, 1, 0, 1]
    assert copied.num_nodes == 4
    assert copied.x is data.x


@pytest.mark.parametrize("split", [-1, 3])
def test_split_out_of_range_rejected(split):
    # Three splits have ids 0 to 2, so 3 is the first invalid id above.
    with pytest.raises(ValueError, match=f"split {split} is out of range; the dataset has 3"):
        masks_for_split(Data(**_fields()), split)
