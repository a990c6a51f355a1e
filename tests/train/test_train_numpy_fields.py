"""A Data built in Python with NumPy or missing node fields gets an error with the fix."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train.config import TrainConfig
from graphkit.train.trainer import Trainer

EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


def _fields() -> dict:
    return {
        "x": torch.ones(4, 2),
        "y": torch.tensor([0, 1, 0, 1]),
        "train_mask": torch.tensor([True, True, False, False]),
        "val_mask": torch.tensor([False, False, True, False]),
        "test_mask": torch.tensor([False, False, False, True]),
    }


@pytest.mark.parametrize("name", ["x", "y", "train_mask", "test_mask"])
def test_numpy_field_named(name):
    fields = _fields()
    fields[name] = fields[name].numpy()
    data = Data(edge_index=EDGES, num_nodes=4, **fields)
    message = (
        rf"data\.{name} must be a torch\.Tensor, got numpy\.ndarray\. Convert it "
        rf"with data\.{name} = torch\.from_numpy\(data\.{name}\)"
    )
    with pytest.raises(TypeError, match=message):
        Trainer(TrainConfig(epochs=1), data, LocalGraph.from_data(data))


def test_list_field_named():
    fields = _fields()
    fields["y"] = [0, 1, 0, 1]
    data = Data(edge_index=EDGES, num_nodes=4, **fields)
    with pytest.raises(
        TypeError, match=r"data\.y must be a torch\.Tensor, got builtins\.list\. "
    ):
        Trainer(TrainConfig(epochs=1), data, LocalGraph.from_data(data))


def test_missing_features_python_fix():
    fields = _fields()
    del fields["x"]
    data = Data(edge_index=EDGES, num_nodes=4, **fields)
    with pytest.raises(
        ValueError,
        match=r"For a Data built in Python, set data\.x to an \[N, F\] float tensor",
    ):
        Trainer(TrainConfig(epochs=1), data, LocalGraph.from_data(data))


def test_missing_labels_python_fix():
    fields = _fields()
    del fields["y"]
    data = Data(edge_index=EDGES, num_nodes=4, **fields)
    with pytest.raises(
        ValueError, match=r"For a Data built in Python, set data\.y to one class id"
    ):
        Trainer(TrainConfig(epochs=1), data, LocalGraph.from_data(data))
