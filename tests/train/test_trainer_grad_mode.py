"""Trainer.fit() under torch.no_grad() or torch.inference_mode() raises a clear error."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_trainer():
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]])
    masks = torch.tensor([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=torch.bool)
    data = Data(x=torch.randn(4, 3), y=torch.tensor([0, 0, 1, 1]),
                edge_index=edge_index, train_mask=masks[0], val_mask=masks[1],
                test_mask=masks[2], num_nodes=4)  # fmt: skip
    return Trainer(TrainConfig(epochs=2, metric="accuracy"), data,
                   LocalGraph.from_data(data))  # fmt: skip


@pytest.mark.parametrize(
    "block, name",
    [(torch.no_grad, "torch.no_grad()"), (torch.inference_mode, "torch.inference_mode()")],
)
def test_fit_without_grad_rejected(block, name):
    trainer = tiny_trainer()
    with block(), pytest.raises(RuntimeError) as caught:
        trainer.fit()
    assert str(caught.value) == (
        f"Trainer.fit() was called under {name}, where no gradient can be computed. "
        "Call fit() outside that block, and use it only around evaluation"
    )
    assert trainer.epoch == 0


def test_fit_after_inference_mode_block_trains():
    trainer = tiny_trainer()
    with torch.inference_mode():
        trainer.evaluate()
    assert trainer.fit()["epochs_run"] == 2
