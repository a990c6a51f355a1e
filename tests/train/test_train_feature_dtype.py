"""Trainer builds its model in the dtype of the node features."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def _data(dtype):
    n = 8
    generator = torch.Generator().manual_seed(0)
    masks = torch.zeros(3, n, dtype=torch.bool)
    masks[0, :4], masks[1, 4:6], masks[2, 6:] = True, True, True
    return Data(
        x=torch.randn(n, 3, generator=generator).to(dtype),
        y=torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 0]]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


@pytest.mark.parametrize("model", ["gcn", "sage", "gat"])
def test_float64_features_train_in_float64(model):
    data = _data(torch.float64)
    config = TrainConfig(model=model, epochs=2, hidden=4, heads=2, patience=0)
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    summary = trainer.fit()
    assert summary["epochs_run"] == 2
    assert {p.dtype for p in trainer.model.parameters()} == {torch.float64}


def test_float32_features_keep_float32():
    data = _data(torch.float32)
    trainer = Trainer(TrainConfig(epochs=1, hidden=4), data, LocalGraph.from_data(data))
    assert {p.dtype for p in trainer.model.parameters()} == {torch.float32}
