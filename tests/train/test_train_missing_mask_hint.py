"""A Data with labels but without a split mask gets a fix that works from Python."""

import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.transforms import RandomNodeSplit

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def labelled_cycle(n: int = 20) -> Data:
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        y=torch.arange(n) % 2,
        edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
    )


def trainer(data: Data) -> Trainer:
    config = TrainConfig(epochs=2, hidden=4, patience=0, metric="accuracy")
    return Trainer(config, data, LocalGraph.from_data(data))


def test_missing_val_mask_names_fixes():
    data = labelled_cycle()
    data.train_mask = torch.arange(20) < 10
    with pytest.raises(ValueError, match="data.val_mask is missing") as error:
        trainer(data)
    message = str(error.value)
    assert "torch_geometric.transforms.RandomNodeSplit()" in message
    assert "data.val_mask = torch.zeros(data.num_nodes, dtype=torch.bool)" in message
    assert "--dataset-options" not in message  # not an edge-list option for a Data


def test_suggested_fixes_train():
    data = labelled_cycle()
    data.train_mask = torch.arange(20) < 10
    data.val_mask = torch.zeros(data.num_nodes, dtype=torch.bool)
    data.test_mask = torch.arange(20) >= 10
    assert trainer(data).fit()["epochs_run"] == 2
    split = RandomNodeSplit(num_val=4, num_test=4)(labelled_cycle())
    assert trainer(split).fit()["epochs_run"] == 2
