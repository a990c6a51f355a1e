"""Resuming from the checkpoint of an early-stopped run trains no further epochs."""

import json

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_graph() -> Data:
    n = 12
    edge_index = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    y = torch.arange(n) % 2
    masks = torch.arange(n).remainder(3).eq(torch.arange(3)[:, None])
    return Data(x=torch.randn(n, 4, generator=torch.Generator().manual_seed(0)),
                y=y, edge_index=edge_index, train_mask=masks[0], val_mask=masks[1],
                test_mask=masks[2], num_nodes=n)


def fit(data, out, **options):
    # A negligible lr keeps the validation score of epoch 1 unchanged, so patience 2
    # stops the run at epoch 3.
    options = {"epochs": 10, "lr": 1e-12, "patience": 2, "metric": "accuracy",
               "hidden": 4, "log_every": 100, "out": str(out), **options}
    config = TrainConfig(**options)
    return Trainer(config, data, LocalGraph.from_data(data)).fit()


def test_resume_after_early_stop_trains_nothing(tmp_path):
    data = tiny_graph()
    first = fit(data, tmp_path)
    assert first["epochs_run"] == 3
    resumed = fit(data, tmp_path, resume="auto")
    assert resumed["epochs_run"] == 3
    assert not (tmp_path / "checkpoint_000004.pt").exists()
    epochs = [json.loads(line)["epoch"] for line in
              (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [1, 2, 3]


def test_resume_with_more_patience_continues(tmp_path):
    data = tiny_graph()
    fit(data, tmp_path)
    resumed = fit(data, tmp_path, resume="auto", patience=4)
    assert resumed["epochs_run"] == 5
