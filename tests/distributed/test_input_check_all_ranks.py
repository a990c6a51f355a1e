"""When every rank fails the trainer's input checks, only rank 0's error is printed.

graphkit.launch.cli.run prints an error marked ``every_rank`` on rank 0 only, so a
torchrun job whose data lacks features shows one error line, not one per rank.
"""

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def train_without_features(rank: int, world_size: int, failing_ranks: tuple):
    """Drop ``x`` on ``failing_ranks`` and return each rank's error and its marker."""
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4)
    graph, data = build_partition(config, rank, world_size)
    if rank in failing_ranks:
        data.x = None
    try:
        Trainer(config, data, graph)
    except ValueError as error:
        return str(error), getattr(error, "every_rank", False)
    return "no error", False


def test_all_ranks_failing_print_once():
    results = run_world(train_without_features, 2, (0, 1))
    for message, every_rank in results:
        assert message.startswith("data.x is missing"), message
        assert every_rank is True


def test_one_rank_failing_prints_its_own():
    (message0, every0), (message1, every1) = run_world(train_without_features, 2, (1,))
    assert message1.startswith("data.x is missing"), message1
    assert every1 is False
    assert "rank 1 rejected its partition's node data" in message0
    assert every0 is False
