"""Compression options that the chosen compressor or schedule does not read get a warning."""

import logging
from types import SimpleNamespace

import pytest

from graphkit.distributed.compression.control import compression_from_config
from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig


def _warnings(caplog, rank: int = 0, **options) -> list[str]:
    config = TrainConfig(epochs=8, **options)
    comm = SimpleNamespace(rank=rank)
    # Messages name command-line flags here, as they do under graphkit train.
    with command_line_options():
        with caplog.at_level(logging.WARNING, logger="graphkit.distributed.compression"):
            compression_from_config(config, comm)
    return [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()]


def test_options_without_compression(caplog):
    messages = _warnings(caplog, compression_schedule="exp", compression_ratio=8.0)
    assert len(messages) == 1
    assert messages[0].startswith(
        "--compression-ratio 8, --compression-schedule exp are ignored: --compression "
        "is none"
    )
    assert "'random-projection'" in messages[0]


@pytest.mark.parametrize(
    "schedule, options, expected",
    [
        ("fixed", {"compression_end_epoch": 5}, "--compression-end-epoch 5 is"),
        ("exp", {"compression_steps": 2}, "--compression-steps 2 is"),
        (
            "step",
            {"compression_patience": 3, "compression_steps": 2},
            "--compression-patience 3 is",
        ),
        ("adaptive", {"compression_steps": 2}, "--compression-steps 2 is"),
    ],
)
def test_option_of_other_schedule(caplog, schedule, options, expected):
    messages = _warnings(
        caplog,
        compression="random-projection",
        compression_schedule=schedule,
        **options,
    )
    assert len(messages) == 1
    assert messages[0].startswith(f"{expected} ignored: the {schedule} compression")


@pytest.mark.parametrize(
    "schedule, options",
    [
        ("step", {"compression_end_epoch": 5, "compression_steps": 2}),
        ("exp", {"compression_end_epoch": 5}),
        ("adaptive", {"compression_end_epoch": 5, "compression_patience": 3}),
        ("fixed", {}),
    ],
)
def test_options_read_by_schedule_quiet(caplog, schedule, options):
    messages = _warnings(
        caplog,
        compression="random-projection",
        compression_schedule=schedule,
        **options,
    )
    assert messages == []


def test_subsample_ignores_min_width(caplog):
    messages = _warnings(caplog, compression="subsample", compression_min_width=4)
    assert len(messages) == 1
    assert messages[0].startswith("--compression-min-width 4 is ignored: subsample")


def test_other_ranks_quiet(caplog):
    # Every rank reads the same options, so only rank 0 warns.
    messages = _warnings(
        caplog,
        rank=1,
        compression="quantize",
        compression_ratio=8.0,
        compression_steps=2,
    )
    assert messages == []
