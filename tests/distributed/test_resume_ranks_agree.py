"""Ranks that restore different epochs raise at once instead of waiting in a collective."""

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def resume_with_own_folders(rank: int, world_size: int, shared: str, private: str):
    """Train one epoch, then resume rank 0 from its checkpoint and rank 1 from none."""
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4, out=shared)
    graph, data = build_partition(config, rank, world_size)
    Trainer(config, data, graph).fit()
    # Rank 1 reads a folder without checkpoints, as on a machine that does not
    # share rank 0's --out.
    out = shared if rank == 0 else private
    resumed = train_config(epochs=2, hidden=4, out=out, resume="auto")
    try:
        Trainer(resumed, data, graph)
    except ValueError as error:
        return str(error)
    return "no error"


def test_ranks_resumed_at_other_epochs(tmp_path):
    shared, private = tmp_path / "shared", tmp_path / "private"
    errors = run_world(resume_with_own_folders, 2, str(shared), str(private))
    assert "rank 0 resumed at epoch 1" in errors[0]
    assert "rank 1 resumed at epoch 0" in errors[1]
    for error in errors:
        assert "the ranks resumed at epochs 0 to 1" in error
