"""A rank that cannot restore the checkpoint stops the others with an error naming it."""

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def resume_with_missing_file(rank: int, world_size: int, out: str):
    """Train one epoch, then resume rank 0 from its checkpoint and rank 1 from no file."""
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4, out=out)
    graph, data = build_partition(config, rank, world_size)
    Trainer(config, data, graph).fit()
    # Rank 1 names a file that its machine lacks, as when --out is not shared.
    name = "checkpoint_000001.pt" if rank == 0 else "missing.pt"
    resumed = train_config(epochs=2, hidden=4, out=out, resume=f"{out}/{name}")
    try:
        Trainer(resumed, data, graph)
    except (ValueError, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return "no error"


def test_missing_checkpoint_on_one_rank(tmp_path):
    errors = run_world(resume_with_missing_file, 2, str(tmp_path / "out"))
    assert errors[1].startswith("FileNotFoundError: checkpoint ")
    assert "missing.pt does not exist" in errors[1]
    assert errors[0].startswith("ValueError: rank 1 could not restore resume=")
    assert "so rank 0 stops too" in errors[0]
