"""Resuming with another metric raises, because the best scores cannot be compared."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def two_class_data():
    # Two classes, so metric="auto" selects roc_auc, and each split has both.
    n = 16
    edge_index = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    split = torch.arange(n) % 4
    return Data(x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
                y=torch.arange(n) // 4 % 2, edge_index=edge_index,
                train_mask=split < 2, val_mask=split == 2, test_mask=split == 3,
                num_nodes=n)  # fmt: skip


def trainer(out, **options):
    data = two_class_data()
    config = TrainConfig(hidden=4, out=str(out), **options)
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize(
    ("first", "second", "saved", "used"),
    [
        ("roc_auc", "accuracy", "roc_auc", "accuracy"),
        ("auto", "accuracy", "roc_auc", "accuracy"),
        ("accuracy", "auto", "accuracy", "roc_auc"),
    ],
)
def test_resume_other_metric_rejected(tmp_path, first, second, saved, used):
    trainer(tmp_path, epochs=2, checkpoint_every=1, metric=first).fit()
    checkpoint = tmp_path / "checkpoint_000002.pt"
    with pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=4, resume="auto", metric=second)
    assert str(caught.value) == (
        f"checkpoint {checkpoint} chose its best epoch by {saved}, but this run uses "
        f"{used}, and the two scores cannot be compared. Resume with "
        f"metric='{saved}', or start a new run to select by {used}"
    )


def test_resume_auto_metric_matches_explicit(tmp_path):
    trainer(tmp_path, epochs=2, checkpoint_every=1, metric="auto").fit()
    resumed = trainer(tmp_path, epochs=3, resume="auto", metric="roc_auc")
    assert resumed.epoch == 2
    assert resumed.fit()["metric"] == "roc_auc"


def test_resume_old_checkpoint_without_metric(tmp_path):
    # Checkpoints written before the metric was stored have it in their config only.
    trainer(tmp_path, epochs=2, checkpoint_every=1, metric="accuracy").fit()
    checkpoint = tmp_path / "checkpoint_000002.pt"
    state = torch.load(checkpoint, weights_only=True)
    del state["metric"]
    torch.save(state, checkpoint)
    with pytest.raises(ValueError, match="chose its best epoch by accuracy"):
        trainer(tmp_path, epochs=4, resume="auto", metric="roc_auc")
    assert trainer(tmp_path, epochs=4, resume="auto", metric="accuracy").epoch == 2
