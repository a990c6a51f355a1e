"""``--resume auto`` falls back to the newest readable checkpoint, but a named file does not."""

import logging

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def _ring_graph(n: int = 30) -> Data:
    """Build a ring of ``n`` nodes in two label halves, with fixed random features and masks."""
    generator = torch.Generator().manual_seed(0)
    src = torch.arange(n)
    dst = (src + 1) % n
    masks = torch.arange(n) % 3
    return Data(
        x=torch.randn(n, 4, generator=generator),
        y=(torch.arange(n) >= n // 2).long(),
        edge_index=torch.stack([torch.cat([src, dst]), torch.cat([dst, src])]),
        train_mask=masks == 0,
        val_mask=masks == 1,
        test_mask=masks == 2,
    )


def _trainer(out, **options) -> Trainer:
    defaults = {"epochs": 6, "hidden": 8, "log_every": 100, "patience": 0}
    config = TrainConfig(**{**defaults, "out": str(out), **options})
    data = _ring_graph()
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.fixture
def run_folder(tmp_path):
    """Create a run folder with checkpoints after epochs 2 and 4, the newer one truncated."""
    _trainer(tmp_path, epochs=4, checkpoint_every=2).fit()
    newest = tmp_path / "checkpoint_000004.pt"
    newest.write_bytes(newest.read_bytes()[:100])  # as after a crash while writing
    return tmp_path


def test_auto_skips_damaged_newest(run_folder, caplog):
    with caplog.at_level(logging.WARNING, logger="graphkit.train.checkpoint"):
        trainer = _trainer(run_folder, resume="auto")
    assert trainer.epoch == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert f"checkpoint {run_folder / 'checkpoint_000004.pt'} is damaged" in warnings[0]
    assert "trying the next older checkpoint" in warnings[0]


def test_auto_fallback_matches_uninterrupted(run_folder, tmp_path):
    resumed = _trainer(run_folder, resume="auto").fit()
    uninterrupted = _trainer(tmp_path / "full").fit()
    assert resumed == uninterrupted


def test_named_damaged_file_still_fails(run_folder):
    damaged = run_folder / "checkpoint_000004.pt"
    with pytest.raises(
        ValueError, match=f"checkpoint {damaged} is unreadable or corrupted"
    ):
        _trainer(run_folder, resume=str(damaged))


def test_auto_all_damaged_fails(run_folder):
    oldest = run_folder / "checkpoint_000002.pt"
    oldest.write_bytes(b"")
    with pytest.raises(ValueError, match=f"no readable checkpoint in {run_folder}"):
        _trainer(run_folder, resume="auto")


def test_auto_without_checkpoint_starts_fresh(tmp_path):
    assert _trainer(tmp_path, resume="auto").epoch == 0
