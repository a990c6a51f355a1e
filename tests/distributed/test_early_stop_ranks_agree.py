"""Early stopping ends training at the same epoch on every rank.

Scenario of https://github.com/Lightning-AI/pytorch-lightning/issues/379: each rank
decided to stop from its own validation nodes, so the ranks that stopped left the
others waiting in the next collective forever.
"""

import pytest

from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed

CHANGES = {"epochs": 60, "patience": 3}


def fit_partition(rank: int, world_size: int):
    """Fit on this rank's partition and return the summary."""
    from graphkit.distributed.runtime import build_partition
    from graphkit.train.trainer import Trainer

    config = train_config(**CHANGES)
    graph, data = build_partition(config, rank, world_size)
    return Trainer(config, data, graph).fit()


def test_ranks_stop_at_same_epoch():
    from graphkit.launch.cmd_train import load_local
    from graphkit.train.trainer import Trainer

    config = train_config(**CHANGES)
    graph, data = load_local(config)
    want = Trainer(config, data, graph).fit()
    # The run stops early, so the test covers the stopping decision.
    assert want["epochs_run"] < CHANGES["epochs"]

    summaries = run_world(fit_partition, 3)
    for rank, summary in enumerate(summaries):
        assert summary["epochs_run"] == want["epochs_run"], f"rank {rank}"
        assert summary["best_epoch"] == want["best_epoch"], f"rank {rank}"
        assert summary["val"] == pytest.approx(want["val"], abs=1e-12), f"rank {rank}"
