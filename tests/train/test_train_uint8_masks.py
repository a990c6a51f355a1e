"""Trainer rejects uint8 split masks with the same error as int64 masks.

Torch 2.13 reads a uint8 tensor as a bool mask when indexing, with a deprecation
warning, so without the input check training would run on a deprecated mask type.
"""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.inputs import check_node_fields

NUM_NODES = 6


def tiny_data() -> Data:
    """Build six nodes on a path: nodes 0 and 1 train, 2 and 3 validate, 4 and 5 test."""
    masks = torch.zeros(3, NUM_NODES, dtype=torch.bool)
    masks[0, [0, 1]] = True
    masks[1, [2, 3]] = True
    masks[2, [4, 5]] = True
    return Data(
        x=torch.eye(NUM_NODES),
        y=torch.tensor([0, 1, 0, 1, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
        num_nodes=NUM_NODES,
    )


@pytest.mark.parametrize("name", ["train_mask", "val_mask", "test_mask"])
def test_uint8_mask_rejected(name):
    data = tiny_data()
    data[name] = data[name].to(torch.uint8)
    config = TrainConfig(epochs=1, log_every=100, patience=0, metric="accuracy")
    with pytest.raises(TypeError) as caught:
        Trainer(config, data, LocalGraph.from_data(data))
    message = str(caught.value)
    assert (
        f"data.{name} must be a bool tensor of shape [6], got torch.uint8 of shape [6]"
        in message
    )
    assert f"Convert a 0/1 mask with data.{name}.bool()" in message
    assert "index_to_mask" not in message


def test_uint8_mask_check_names_shape():
    data = tiny_data()
    data.train_mask = torch.tensor([1, 1, 0], dtype=torch.uint8)
    with pytest.raises(TypeError) as caught:
        check_node_fields(data, NUM_NODES)
    message = str(caught.value)
    assert "got torch.uint8 of shape [3]" in message
    # Three entries for six nodes look like node ids, not a 0/1 mask.
    assert "index_to_mask(data.train_mask, size=6)" in message
