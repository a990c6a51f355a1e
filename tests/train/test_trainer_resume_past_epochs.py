"""Resuming from a checkpoint past the run's epochs raises and leaves out intact."""

import json

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_data():
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]])
    masks = torch.tensor([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=torch.bool)
    return Data(x=torch.randn(4, 3, generator=torch.Generator().manual_seed(0)),
                y=torch.tensor([0, 0, 1, 1]), edge_index=edge_index,
                train_mask=masks[0], val_mask=masks[1], test_mask=masks[2],
                num_nodes=4)  # fmt: skip


def trainer(out, **options):
    data = tiny_data()
    config = TrainConfig(metric="accuracy", hidden=4, out=str(out), **options)
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize("resume", ["auto", "checkpoint_000003.pt"])
def test_resume_past_epochs_rejected(tmp_path, resume):
    trainer(tmp_path, epochs=3, checkpoint_every=1).fit()
    best = (tmp_path / "best_model.pt").read_bytes()
    source = resume if resume == "auto" else str(tmp_path / resume)
    with pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=2, resume=source)
    assert str(caught.value) == (
        f"checkpoint {tmp_path / 'checkpoint_000003.pt'} is at epoch 3, past "
        "epochs=2. Pass epochs of at least 3 to continue that run"
    )
    epochs = [json.loads(line)["epoch"]
              for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [1, 2, 3]
    assert (tmp_path / "best_model.pt").read_bytes() == best


def test_resume_at_last_epoch_trains_nothing(tmp_path):
    trainer(tmp_path, epochs=3).fit()
    assert trainer(tmp_path, epochs=3, resume="auto").fit()["epochs_run"] == 3
