"""Rate schedules per epoch, adaptive decay, building from a config, and byte counts."""

import pytest
from graphkit.distributed.compression import (
    AdaptiveSchedule,
    ExpSchedule,
    FixedSchedule,
    StepSchedule,
    make_schedule,
)

from graphkit.train.config import TrainConfig


def ratios(schedule, epochs, losses=None):
    losses = losses or [1.0] * epochs
    return [schedule.next_ratio(e, losses[e]) for e in range(epochs)]


def test_fixed_schedule():
    assert ratios(FixedSchedule(8), 4) == [8, 8, 8, 8]


def test_step_schedule_halves_per_plateau():
    assert ratios(StepSchedule(16, end_epoch=8, steps=4), 10) == [
        16,
        16,
        8,
        8,
        4,
        4,
        2,
        2,
        1,
        1,
    ]


def test_exp_schedule_decays_to_one():
    got = ratios(ExpSchedule(16, end_epoch=4), 6)
    assert got == pytest.approx([16, 8, 4, 2, 1, 1])


def test_adaptive_halves_after_patience():
    schedule = AdaptiveSchedule(8, patience=2)
    losses = [1.0, 0.9, 0.95, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    # The loss improves at epochs 0, 1 and 4. Each stall of 2 epochs halves the ratio,
    # so it halves after epochs 3, 6, 8 and 10.
    assert ratios(schedule, 11, losses) == [8, 8, 8, 4, 4, 4, 2, 2, 1, 1, 1]


def test_adaptive_deadline():
    schedule = AdaptiveSchedule(8, patience=100, end_epoch=3)
    assert ratios(schedule, 5, [1.0, 0.5, 0.25, 0.1, 0.05]) == [8, 8, 8, 1, 1]


def test_schedule_repr_is_its_config():
    assert (
        repr(StepSchedule(16, 60, 4)) == "StepSchedule(start=16, end_epoch=60, steps=4)"
    )
    assert repr(AdaptiveSchedule(4)) == (
        "AdaptiveSchedule(start=4, patience=5, factor=2.0, end_epoch=None)"
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "fixed", "ratio": 0.5}, "at least 1"),
        ({"kind": "adaptive", "ratio": float("inf")}, "finite"),
        ({"kind": "exp", "ratio": float("inf"), "end_epoch": 3}, "finite"),
        ({"kind": "step", "ratio": float("nan"), "end_epoch": 3}, "finite"),
        ({"kind": "exp", "ratio": 4}, "needs end_epoch"),
        ({"kind": "adaptive", "ratio": 4, "patience": 2.5}, "patience must be a whole"),
        ({"kind": "adaptive", "ratio": 4, "patience": 0}, "patience must be at least 1"),
        ({"kind": "step", "ratio": 4, "end_epoch": 3, "steps": 1.5}, "steps must be a whole"),
        (
            {"kind": "cosine", "ratio": 4, "end_epoch": 3},
            "unknown compression schedule",
        ),
    ],
)
def test_make_schedule_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_schedule(**kwargs)


def test_config_rejects_bad_compression_options():
    with pytest.raises(ValueError, match="compression='zip' is invalid"):
        TrainConfig(compression="zip")
    with pytest.raises(ValueError, match="compression_bits"):
        TrainConfig(compression="quantize", compression_bits=3)
    with pytest.raises(ValueError, match="compression_ratio"):
        TrainConfig(compression_ratio=0.5)
    for ratio in (float("inf"), float("nan")):
        with pytest.raises(ValueError, match="compression_ratio must be finite"):
            TrainConfig(compression_ratio=ratio)
    with pytest.raises(ValueError, match="compression_min_width"):
        TrainConfig(compression_min_width=0)


def compression_after(schedule, losses):
    """Build a Compression (no process group needed) whose schedule has seen ``losses``."""
    from graphkit.distributed.compression import Compression, RandomProjectionCodec

    compression = Compression(RandomProjectionCodec(), schedule, comm=None)
    for epoch, loss in enumerate(losses, start=1):
        compression.ratio = schedule.next_ratio(epoch, loss)
        compression.epochs_done = epoch
    return compression


def test_adaptive_state_survives_checkpoint(tmp_path):
    import torch

    losses = [1.0, 0.9, 0.95, 0.97]  # stalled for 2 epochs after the best 0.9
    saved = compression_after(AdaptiveSchedule(16, patience=3), losses)
    path = tmp_path / "state.pt"
    torch.save(saved.state_dict(), path)
    state = torch.load(path, weights_only=True)

    resumed = compression_after(AdaptiveSchedule(16, patience=3), [])
    resumed.load_state_dict(state)
    assert resumed.epochs_done == 4
    assert resumed.ratio == 16
    assert resumed.schedule.best == 0.9
    assert resumed.schedule.stalled == 2
    # One more stalled epoch halves the ratio in both.
    assert saved.schedule.next_ratio(5, 0.99) == 8
    assert resumed.schedule.next_ratio(5, 0.99) == 8


def test_checkpoint_restores_random_draws():
    from types import SimpleNamespace

    halo = SimpleNamespace(
        comm=None, rank=0, world_size=2, send_rows=[], recv_counts=[]
    )
    saved = compression_after(FixedSchedule(4.0), [])
    for _ in range(3):
        saved.start_pass()
    resumed = compression_after(FixedSchedule(4.0), [])
    resumed.load_state_dict(saved.state_dict())
    fresh = compression_after(FixedSchedule(4.0), [])
    for compression in (saved, resumed, fresh):
        compression.start_pass()
    # The seed of each call derives from the pass number, which the state restores.
    seed = saved.halo_for(halo, "aggregate:sum[16]").call_seed
    assert resumed.halo_for(halo, "aggregate:sum[16]").call_seed == seed
    assert fresh.halo_for(halo, "aggregate:sum[16]").call_seed != seed


def test_other_schedule_resumes_at_its_epoch(caplog):
    saved = compression_after(StepSchedule(16, end_epoch=8, steps=4), [1.0] * 4)
    assert saved.ratio == 4
    resumed = compression_after(StepSchedule(16, end_epoch=16, steps=4), [])
    resumed.load_state_dict(saved.state_dict())
    # The new schedule's ratio after 4 epochs: second of four plateaus over 16 epochs.
    assert resumed.ratio == 8
    assert resumed.epochs_done == 4
    assert "so it continues with this run's schedule at ratio 8" in caplog.text


@pytest.mark.parametrize("factor", [1.0, float("nan"), float("inf")])
def test_adaptive_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="factor must be finite and greater than 1"):
        AdaptiveSchedule(4, factor=factor)


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("loss", [NAN, INF])
def test_adaptive_decays_on_non_finite_losses(loss):
    # Every epoch counts as a stall, so the ratio halves every 2 epochs down to 1.
    schedule = AdaptiveSchedule(8, patience=2)
    assert ratios(schedule, 7, [loss] * 7) == [8, 4, 4, 2, 2, 1, 1]
    assert schedule.best == INF


def test_adaptive_nan_first_keeps_later_best():
    schedule = AdaptiveSchedule(8, patience=2)
    assert ratios(schedule, 4, [NAN, 1.0, 0.9, 0.8]) == [8, 8, 8, 8]
    assert schedule.best == 0.8
    assert schedule.stalled == 0


def test_adaptive_drop_on_nan_clears_best():
    # The ratio halves after the NaN of epoch 2, which leaves no best loss, so 2.0
    # becomes the best and 1.9999 (within 1e-3 of it) stalls twice.
    schedule = AdaptiveSchedule(8, patience=2)
    losses = [1.0, NAN, NAN, 2.0, 1.9999, 1.9999]
    assert ratios(schedule, 6, losses) == [8, 8, 4, 4, 4, 2]


def test_adaptive_start_counts_no_epoch():
    # With patience 1, one counted epoch without a best loss would halve the ratio.
    compression = compression_after(AdaptiveSchedule(8, patience=1), [])
    assert compression.ratio == 8
    assert compression.schedule.stalled == 0
    compression.continue_at(3)
    assert compression.ratio == 8
    assert compression.schedule.stalled == 0


class _OneRankComm:
    """The part of a communicator that Compression.end_epoch uses, for one process."""

    def __init__(self, rank: int = 0) -> None:
        from graphkit.distributed.comm import CommStats

        self.rank, self.stats, self.device = rank, CommStats(), "cpu"

    def all_reduce(self, tensor, label):
        return tensor


def _warnings(caplog, schedule, losses, rank=0) -> list[str]:
    import logging

    from graphkit.distributed.compression import Compression, RandomProjectionCodec

    compression = Compression(RandomProjectionCodec(), schedule, _OneRankComm(rank))
    with caplog.at_level(logging.WARNING, logger="graphkit.distributed.compression"):
        for epoch, loss in enumerate(losses, start=1):
            compression.end_epoch(epoch, loss)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_adaptive_nan_loss_warns_once(caplog):
    messages = _warnings(caplog, AdaptiveSchedule(8, patience=2), [1.0, NAN, INF, NAN])
    assert len(messages) == 1, messages
    assert messages[0].startswith("epoch 2: the validation loss is nan.")
    assert "counts a NaN or infinite loss as an epoch without improvement" in messages[0]


def test_finite_or_other_schedules_do_not_warn(caplog):
    assert _warnings(caplog, AdaptiveSchedule(8), [1.0, 0.5, 2.0]) == []
    assert _warnings(caplog, StepSchedule(8, end_epoch=4), [NAN, NAN]) == []
    assert _warnings(caplog, AdaptiveSchedule(8), [NAN], rank=1) == []


def test_epoch_bytes_split_by_label():
    from graphkit.distributed.compression import Compression, RandomProjectionCodec
    from graphkit.train.metrics import METRIC_LABEL

    comm = _OneRankComm()
    compression = Compression(RandomProjectionCodec(), FixedSchedule(1.0), comm)
    # At ratio 1 the graph's own exchange is returned, and the call is still counted.
    halo = object()
    assert compression.halo_for(halo, "aggregate:sum[16]") is halo
    for label, sent in [
        ("aggregate:sum[16]", 100),
        ("aggregate:sum[16]/grad", 30),
        ("aggregate:sum[16]/refetch", 7),
        (METRIC_LABEL, 5),
        ("sync_gradients", 1000),
    ]:
        comm.stats.add(label, sent, 0)
    record = compression.end_epoch(1, 0.5)
    # Halo bytes are the rows and their gradients of every aggregation call.
    assert record["epoch_halo_bytes_all_ranks"] == 137
    assert record["epoch_metric_bytes_all_ranks"] == 5
    assert record["epoch_sent_bytes_all_ranks"] == 1142
    assert record["total_halo_bytes_all_ranks"] == 137
