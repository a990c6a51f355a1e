"""kg training rejects counts above int64 and draws its graph schedule lazily.

Without these checks, a --steps, --batch-size or --negatives of 2^63 or more fails
inside torch with a traceback or hangs, and --lr 1e300 fails inside AdamW. Drawing
the schedule of every step before the first step costs about 36 bytes per step.
"""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra
from graphkit.kg import train as kg_train
from graphkit.kg.train import (
    LazyGraphSchedule,
    TrainConfig,
    graph_schedule,
    schedule_generator,
)

TOO_LARGE = 2**63


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("steps", 1), ("batch_size", 2), ("num_negatives", 1), ("checkpoint_every", 0)],
)
def test_count_above_int64_rejected(name, minimum):
    with pytest.raises(ValueError) as caught:
        TrainConfig(**{name: TOO_LARGE})
    assert str(caught.value) == (
        f"{name}={TOO_LARGE} is out of range. Give a whole number from {minimum} "
        f"to {2**63 - 1}, the 64-bit integer range"
    )


def test_lr_above_maximum_rejected():
    with pytest.raises(ValueError) as caught:
        TrainConfig(lr=1e300)
    assert str(caught.value) == (
        "lr=1e+300 is out of range. Give a positive learning rate up to 3.4e+37"
    )


def test_lazy_schedule_equals_full_draw():
    sizes = torch.tensor([3.0, 1.0, 2.0])
    full = graph_schedule(sizes, 3000, schedule_generator(7)).tolist()
    lazy = LazyGraphSchedule(sizes, schedule_generator(7))
    assert [lazy[index] for index in range(3000)] == full


def test_lazy_schedule_rejects_earlier_block():
    lazy = LazyGraphSchedule(torch.tensor([1.0, 1.0]), schedule_generator(0))
    # Reading a step of block 1 draws that block and discards block 0.
    lazy[kg_train.SCHEDULE_BLOCK]
    with pytest.raises(IndexError, match="step index 0 is in block 0, which was discarded"):
        lazy[0]


def test_huge_steps_draw_nothing_up_front():
    graph = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("b", "q", "c")])
    config = TrainConfig(steps=10**15, batch_size=2, num_negatives=1)
    run = kg_train._TrainingRun(Ultra(dim=4, num_layers=1), [graph], config, None)
    run.prepare(None)
    assert run.schedule.block_number == -1
    assert run.schedule[0] == 0
    assert run.schedule.block_number == 0


def test_batch_beyond_memory_rejected(monkeypatch):
    monkeypatch.setattr(kg_train, "available_memory_bytes", lambda: 1000)
    graph = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("b", "q", "c")])
    with pytest.raises(ValueError) as caught:
        kg_train.pretrain(
            Ultra(dim=4, num_layers=1), [graph], steps=1, batch_size=100,
            num_negatives=1,
        )
    # Node states of 100 * 3 entities * 4 dims * 1 layer in float32, and 100 * 2 int64 ids.
    needed = 100 * 3 * 4 * 4 + 100 * 2 * 8
    assert str(caught.value) == (
        "batch_size=100 with num_negatives=1 on a graph of 3 entities needs at least "
        f"{needed / 2**30:.4g} GiB per step, but {1000 / 2**30:.4g} GiB of memory is "
        "free. Lower batch_size or num_negatives"
    )


def test_batch_within_memory_trains(monkeypatch):
    monkeypatch.setattr(kg_train, "available_memory_bytes", lambda: 1000)
    graph = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("b", "q", "c")])
    losses = kg_train.pretrain(
        Ultra(dim=4, num_layers=1), [graph], steps=1, batch_size=2, num_negatives=1
    )
    assert len(losses) == 1
