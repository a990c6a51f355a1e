"""Compression warnings name TrainConfig fields from Python and flags from the CLI."""

import logging
from types import SimpleNamespace

from caller_hints import logged_messages, only_python_hint
from graphkit.distributed.compression.control import compression_from_config

from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig


def warnings_logged():
    """Collect the warnings of the compression package."""
    return logged_messages("graphkit.distributed.compression", logging.WARNING)


def warnings_of(**options) -> list[str]:
    """Return the warnings that building the compression of ``options`` logs on rank 0."""
    config = TrainConfig(**{"epochs": 8, **options})
    with warnings_logged() as messages:
        compression_from_config(config, SimpleNamespace(rank=0))
    return messages


def test_quantize_ratio_from_python():
    messages = warnings_of(compression="quantize", compression_ratio=8.0)
    assert messages == [
        "compression_ratio=8.0 is ignored: quantize takes its ratio from "
        "compression_bits (32 / 8 bits = 4). Pass compression_bits=4 for ratio 8"
    ]


def test_ignored_bits_from_python():
    messages = warnings_of(compression="random-projection", compression_bits=4)
    assert messages == [
        "compression_bits=4 is ignored: only quantize reads it, and random-projection "
        "takes its ratio from compression_ratio (16)"
    ]


def test_options_without_compression_from_python():
    message = only_python_hint(
        warnings_of(compression_ratio=8.0, compression_schedule="exp")
    )
    assert message.startswith(
        "compression_ratio=8.0, compression_schedule='exp' are ignored: compression "
        "is none, so nothing is compressed. Pass compression with one of "
    )


def test_option_of_other_schedule_from_python():
    messages = warnings_of(compression="random-projection", compression_steps=2)
    assert messages == [
        "compression_steps=2 is ignored: the fixed compression schedule does not read it"
    ]


def test_subsample_min_width_from_python():
    message = only_python_hint(
        warnings_of(compression="subsample", compression_min_width=4)
    )
    assert message.startswith("compression_min_width=4 is ignored: subsample")


LATE_SCHEDULE = {
    "epochs": 4,
    "compression": "random-projection",
    "compression_schedule": "step",
    "compression_end_epoch": 4,
}


def test_late_schedule_end_from_python():
    message = only_python_hint(warnings_of(**LATE_SCHEDULE))
    assert message.endswith(
        "Pass compression_end_epoch below epochs, or more epochs, to finish "
        "uncompressed"
    )


def test_late_schedule_end_from_cli():
    with command_line_options():
        messages = warnings_of(**LATE_SCHEDULE)
    assert len(messages) == 1
    assert messages[0].endswith(
        "Pass --compression-end-epoch below --epochs, or more epochs, to finish "
        "uncompressed"
    )


def _non_finite_loss_warnings() -> list[str]:
    config = TrainConfig(
        epochs=8, compression="random-projection", compression_schedule="adaptive"
    )
    compression = compression_from_config(config, SimpleNamespace(rank=0))
    with warnings_logged() as messages:
        compression._warn_non_finite(3, float("nan"))
    return messages


def test_non_finite_loss_from_python():
    message = only_python_hint(_non_finite_loss_warnings())
    assert "A lower lr may keep training from diverging" in message


def test_non_finite_loss_from_cli():
    with command_line_options():
        messages = _non_finite_loss_warnings()
    assert len(messages) == 1
    assert "A lower --lr may keep training from diverging" in messages[0]
