"""The final checkpoint contains the last epoch's weights, whatever the best epoch was."""

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.checkpoint import load_checkpoint


def test_final_checkpoint_is_last_epoch(tmp_path):
    n = 8
    masks = torch.arange(n).remainder(2).eq(torch.arange(2)[:, None])
    data = Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(1)),
        y=torch.arange(n) % 2,
        edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[1],
    )
    config = TrainConfig(
        epochs=4, hidden=4, patience=0, lr=0.5, metric="accuracy", out=str(tmp_path)
    )
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    summary = trainer.fit()
    state = load_checkpoint(tmp_path / "checkpoint_000004.pt")
    assert state["epoch"] == summary["epochs_run"] == 4
    assert state["best"]["epoch"] == summary["best_epoch"]
    # The weight check below can distinguish the last weights from the best ones only
    # when the best epoch comes earlier.
    assert summary["best_epoch"] < 4
    for name, value in trainer.model.state_dict().items():
        assert torch.equal(state["model"][name], value), name
