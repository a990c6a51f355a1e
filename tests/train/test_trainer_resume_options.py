"""A resumed run keeps the checkpoint's lr and weight decay and warns if they differ.

It also continues the halo compression schedule at the checkpoint's epoch.
"""

from pathlib import Path

import torch
from torch_geometric.data import Data

from graphkit.distributed.compression import (
    Compression,
    RandomProjectionCodec,
    StepSchedule,
)
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.resume import restore_compression


def tiny_graph() -> Data:
    n = 8
    masks = torch.arange(n).remainder(2).eq(torch.arange(2)[:, None])
    return Data(x=torch.randn(n, 3, generator=torch.Generator().manual_seed(1)),
                y=torch.arange(n) % 2,
                edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
                train_mask=masks[0], val_mask=masks[1], test_mask=masks[1], num_nodes=n)


def trainer(data, **options) -> Trainer:
    config = TrainConfig(**{"epochs": 1, "hidden": 4, "metric": "accuracy", **options})
    return Trainer(config, data, LocalGraph.from_data(data))


def test_changed_lr_and_weight_decay_warn(tmp_path, caplog):
    data = tiny_graph()
    trainer(data, out=str(tmp_path), lr=0.01, weight_decay=0.0).fit()
    checkpoint = str(tmp_path / "checkpoint_000001.pt")
    resumed = trainer(data, epochs=2, resume=checkpoint, lr=0.5, weight_decay=0.1)
    group = resumed.optimizer.param_groups[0]
    assert group["lr"] == 0.01
    assert group["weight_decay"] == 0.0
    assert "written with lr=0.01, but this run passes lr=0.5" in caplog.text
    assert "weight_decay=0.0, but this run passes weight_decay=0.1" in caplog.text


def test_same_options_do_not_warn(tmp_path, caplog):
    data = tiny_graph()
    trainer(data, out=str(tmp_path)).fit()
    trainer(data, epochs=2, resume=str(tmp_path / "checkpoint_000001.pt"))
    assert "this run passes" not in caplog.text


def test_resume_continues_compression_schedule(caplog):
    # A checkpoint without compression state continues the schedule at its epoch.
    # With 4 plateaus over 8 epochs from ratio 16, 4 epochs done give plateau
    # floor(4 * 4 / 8) = 2, so the next ratio is 16 ** (1 - 2 / 4) = 4.
    schedule = StepSchedule(16, end_epoch=8)
    compression = Compression(RandomProjectionCodec(), schedule, comm=None)
    assert compression.ratio == 16
    restore_compression(compression, None, 4, Path("checkpoint_000004.pt"))
    assert compression.ratio == 4
    assert compression.epochs_done == 4
    assert "has no halo compression state" in caplog.text
