"""A rank whose node data fails the trainer's checks stops every rank at once."""

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def train_with_nan_on_rank_one(rank: int, world_size: int):
    """Build the partitions, put a NaN into rank 1's features, then start a trainer."""
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4)
    graph, data = build_partition(config, rank, world_size)
    if rank == 1:
        data.x[0, 0] = float("nan")
    try:
        Trainer(config, data, graph)
    except ValueError as error:
        return str(error)
    return "no error"


def test_nan_on_one_rank_stops_all():
    errors = run_world(train_with_nan_on_rank_one, 2)
    expected = "data.x contains 1 NaN or infinite values (first at row 0, column 0)"
    assert expected in errors[1], errors[1]
    assert "rank 1 rejected its partition's node data" in errors[0], errors[0]
