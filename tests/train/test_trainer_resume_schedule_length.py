"""A resumed cosine or step schedule keeps its length and warns if --epochs changed."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def _tiny_graph() -> Data:
    n = 8
    masks = torch.arange(n).remainder(2).eq(torch.arange(2)[:, None])
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(1)),
        y=torch.arange(n) % 2,
        edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[1],
    )


def _trainer(data, **options) -> Trainer:
    config = TrainConfig(**{"hidden": 4, "metric": "accuracy", "patience": 0, **options})
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize("schedule", ["cosine", "step"])
def test_longer_resume_warns(tmp_path, caplog, schedule):
    data = _tiny_graph()
    _trainer(data, epochs=3, lr_schedule=schedule, out=str(tmp_path)).fit()
    checkpoint = str(tmp_path / "checkpoint_000003.pt")
    resumed = _trainer(data, epochs=9, lr_schedule=schedule, resume=checkpoint)
    assert "written with epochs=3, but this run passes epochs=9" in caplog.text
    assert f"The restored {schedule} schedule keeps the length" in caplog.text
    if schedule == "cosine":
        assert resumed.scheduler.T_max == 3
    else:
        assert resumed.scheduler.step_size == 1


def test_same_epochs_do_not_warn(tmp_path, caplog):
    data = _tiny_graph()
    _trainer(data, epochs=2, lr_schedule="cosine", out=str(tmp_path)).fit()
    _trainer(data, epochs=2, lr_schedule="cosine", resume=str(tmp_path / "checkpoint_000002.pt"))
    assert "written with epochs=" not in caplog.text


def test_constant_schedule_does_not_warn(tmp_path, caplog):
    data = _tiny_graph()
    _trainer(data, epochs=2, out=str(tmp_path)).fit()
    _trainer(data, epochs=5, resume=str(tmp_path / "checkpoint_000002.pt"))
    assert "written with epochs=" not in caplog.text
