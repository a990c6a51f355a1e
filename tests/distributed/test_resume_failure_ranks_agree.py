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


def resume_other_graph(rank: int, world_size: int, out: str, other: str):
    """Resume every rank from a checkpoint of another graph and return the error.

    The result is the message and the error's ``every_rank`` mark.
    """
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    options = {"dataset_options": {"num_nodes": 120, "avg_degree": 4, "num_features": 8}}
    config = train_config(epochs=1, hidden=4, out=other, **options)
    graph, data = build_partition(config, rank, world_size)
    Trainer(config, data, graph).fit()
    resumed = train_config(epochs=2, hidden=4, out=out,
                           resume=f"{other}/checkpoint_000001.pt")  # fmt: skip
    graph, data = build_partition(resumed, rank, world_size)
    try:
        Trainer(resumed, data, graph)
    except ValueError as error:
        return (str(error), getattr(error, "every_rank", False))
    return ("no error", False)


def test_same_failure_on_every_rank_printed_once(tmp_path):
    # Each rank rejects the checkpoint for the same reason. The every_rank mark makes
    # cli.run print that error on rank 0 only.
    results = run_world(resume_other_graph, 2, str(tmp_path / "out"),
                        str(tmp_path / "other"))  # fmt: skip
    for rank in (0, 1):
        message, every_rank = results[rank]
        assert message.startswith("checkpoint ")
        assert "was written for graph" in message
        assert every_rank is True


def resume_with_missing_file_per_rank(rank: int, world_size: int, out: str):
    """Resume each rank from a checkpoint file of its own name that does not exist.

    The result is the error's type name, message and ``every_rank`` mark.
    """
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4, out=out)
    graph, data = build_partition(config, rank, world_size)
    # Rank 2 names the same file as rank 0, so their reasons are equal.
    resumed = train_config(epochs=2, hidden=4, out=out,
                           resume=f"{out}/missing_{rank % 2}.pt")  # fmt: skip
    try:
        Trainer(resumed, data, graph)
    except (ValueError, OSError) as error:
        return (type(error).__name__, str(error), getattr(error, "every_rank", False))
    return ("none", "no error", False)


def test_different_failures_gathered_on_every_rank(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    results = run_world(resume_with_missing_file_per_rank, 3, str(out))
    # Every rank raises the same error, which names each reason and its ranks once.
    assert results[1] == results[0]
    assert results[2] == results[0]
    kind, message, every_rank = results[0]
    assert kind == "ValueError"
    assert every_rank is True
    assert message.startswith("no rank could restore the resume checkpoint. ")
    lines = message.splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("  ranks 0, 2: checkpoint ")
    assert f"{out}/missing_0.pt does not exist" in lines[1]
    assert lines[2].startswith("  rank 1: checkpoint ")
    assert f"{out}/missing_1.pt does not exist" in lines[2]
