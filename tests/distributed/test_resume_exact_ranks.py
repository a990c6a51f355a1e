"""A resumed run on several ranks repeats the uninterrupted run's losses exactly."""

import json
import shutil
from pathlib import Path

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def fit_with_dropout(rank: int, world_size: int, out: str, resume: str | None):
    """Train 4 epochs with dropout and a checkpoint every 2, and return rank 0's losses."""
    import torch

    from graphkit.distributed.runtime import build_partition
    from graphkit.train.trainer import Trainer

    # 301 nodes give the two partitions different sizes, so their generators draw
    # different counts of dropout values, and their states differ after the first epoch.
    config = train_config(
        dataset_options={"num_nodes": 301, "seed": 3},
        epochs=4,
        dropout=0.5,
        checkpoint_every=2,
        out=out,
        resume=resume,
        patience=0,
    )
    graph, data = build_partition(config, rank, world_size)
    sizes = graph.reduce_max(torch.tensor([graph.num_nodes, -graph.num_nodes]))
    assert int(sizes[0]) != -int(sizes[1]), "the partitions have equal sizes"
    Trainer(config, data, graph).fit()
    if rank != 0:
        return None
    lines = (Path(out) / "metrics.jsonl").read_text().splitlines()
    return {record["epoch"]: record["loss"] for record in map(json.loads, lines)}


def test_resume_repeats_dropout_losses(tmp_path):
    # Each rank draws its own dropout masks, while a checkpoint stores only rank 0's
    # generator state. The trainer reseeds every epoch from (seed, epoch, rank), so a
    # resumed rank 1 draws the masks that it drew in the uninterrupted run.
    first, second = tmp_path / "first", tmp_path / "second"
    losses = run_world(fit_with_dropout, 2, str(first), None)[0]
    second.mkdir()
    shutil.copy(first / "checkpoint_000002.pt", second)
    resumed = run_world(
        fit_with_dropout, 2, str(second), str(second / "checkpoint_000002.pt")
    )[0]
    assert sorted(resumed) == [3, 4]
    assert losses[1] != losses[2]
    for epoch in (3, 4):
        assert resumed[epoch] == pytest.approx(losses[epoch], abs=1e-9)
