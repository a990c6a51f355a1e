"""The last epochs of a decaying compression schedule run uncompressed."""

import pytest
from graphkit.distributed.compression import compression_from_config

from graphkit.field_docs import field_docs
from graphkit.train.config import TrainConfig


def _ratios(epochs: int, schedule: str = "step", end_epoch: int = 0) -> list[float]:
    """Ratio used in each epoch 1..epochs, as the trainer advances the schedule."""
    config = TrainConfig(
        epochs=epochs,
        compression="random-projection",
        compression_ratio=16.0,
        compression_schedule=schedule,
        compression_end_epoch=end_epoch,
    )
    compression = compression_from_config(config, comm=None)
    used = [compression.ratio]
    for epoch in range(1, epochs):
        used.append(compression.schedule.next_ratio(epoch, 1.0))
    return used


@pytest.mark.parametrize("schedule", ["step", "exp"])
def test_two_epoch_default_ends_uncompressed(schedule):
    # Three quarters of 2 epochs rounds to 2, which left both epochs compressed.
    assert _ratios(2, schedule) == [16.0, 1.0]


def test_default_end_keeps_three_quarters():
    # End epoch 6 of 8: four plateaus over epochs 1 to 6, then two exact epochs.
    assert _ratios(8) == [16.0, 16.0, 8.0, 4.0, 4.0, 2.0, 1.0, 1.0]


def test_end_at_last_epoch_warns(caplog):
    assert _ratios(4, end_epoch=4)[-1] > 1
    assert "so no epoch exchanges exact halo rows" in caplog.text


@pytest.mark.parametrize(("end_epoch", "deadline"), [(0, None), (5, 5)])
def test_adaptive_deadline_only_when_given(end_epoch, deadline):
    # Unlike step and exp, adaptive gets no default end epoch, so a loss that keeps
    # improving keeps the starting ratio to the last epoch.
    config = TrainConfig(
        epochs=8,
        compression="random-projection",
        compression_ratio=16.0,
        compression_schedule="adaptive",
        compression_end_epoch=end_epoch,
    )
    compression = compression_from_config(config, comm=None)
    assert compression.schedule.end_epoch == deadline
    used = [compression.ratio]
    for epoch in range(1, 8):
        used.append(compression.schedule.next_ratio(epoch, 1.0 / epoch))
    if deadline is None:
        assert used == [16.0] * 8
    else:
        assert used == [16.0] * 5 + [1.0] * 3


def test_end_epoch_is_last_compressed():
    used = _ratios(8, "exp", end_epoch=5)
    assert used[4] > 1.0  # epoch 5
    assert used[5] == 1.0  # epoch 6
    doc = field_docs(TrainConfig)["compression_end_epoch"]
    assert doc.startswith("Last compressed epoch: the ratio is 1 from the next epoch on")
