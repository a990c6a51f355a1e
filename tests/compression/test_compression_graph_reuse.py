"""A second Trainer on a graph whose compression already ran raises on every rank."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world
from test_compression_training import SMALL

pytestmark = pytest.mark.distributed


def _train_twice(rank: int, world_size: int) -> list[str]:
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    config = TrainConfig(
        epochs=2,
        hidden=32,
        parts_method="random",
        dataset_options=SMALL,
        patience=0,
        timeout_s=30,
        compression="random-projection",
        compression_schedule="step",
        compression_ratio=8,
    )
    graph, data = build_partition(config, rank, world_size)
    Trainer(config, data, graph).fit()
    try:
        Trainer(config, data, graph)
    except ValueError as error:
        return [str(error)]
    return []


def test_second_trainer_on_same_graph_rejected():
    # Unchecked, the second run would start at the first run's final ratio of 1.
    expected = (
        "this graph's compression already ran 2 epochs for another model and is "
        "now at ratio 1, so a new Trainer would continue its schedule. Build the "
        "graph again, or set graph.compression = compression_from_config(config, "
        "comm) before the next Trainer"
    )
    for rank, errors in enumerate(run_world(_train_twice, 2, timeout_s=30)):
        assert errors == [expected], f"rank {rank}"
