"""A rate option that the chosen compressor does not read gets a warning."""

import logging

import pytest

from graphkit.distributed.compression.control import compression_from_config
from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig


def _warnings(caplog, **options) -> list[str]:
    config = TrainConfig(epochs=4, **options)
    # Messages name command-line flags here, as they do under graphkit train.
    with command_line_options():
        with caplog.at_level(logging.WARNING, logger="graphkit.distributed.compression"):
            compression = compression_from_config(config, comm=None)
    assert compression is not None
    return [r.getMessage() for r in caplog.records if "is ignored" in r.getMessage()]


def test_quantize_ignores_ratio(caplog):
    messages = _warnings(caplog, compression="quantize", compression_ratio=8.0)
    assert len(messages) == 1
    assert "--compression-ratio 8 is ignored" in messages[0]
    assert "32 / 8 bits = 4" in messages[0]
    assert "Pass --compression-bits 4 for ratio 8" in messages[0]


def test_quantize_ratio_matching_bits_silent(caplog):
    assert _warnings(caplog, compression="quantize", compression_ratio=4.0) == []


def test_quantize_default_ratio_silent(caplog):
    assert _warnings(caplog, compression="quantize", compression_bits=2) == []


def test_projection_ignores_bits(caplog):
    messages = _warnings(caplog, compression="random-projection", compression_bits=4)
    assert len(messages) == 1
    assert "--compression-bits 4 is ignored" in messages[0]
    assert "--compression-ratio (16)" in messages[0]


@pytest.mark.parametrize("name", ["random-projection", "subsample", "learned"])
def test_other_compressors_default_silent(caplog, name):
    assert _warnings(caplog, compression=name, compression_ratio=8.0) == []


def test_plain_namespace_config_accepted(caplog):
    from types import SimpleNamespace

    config = SimpleNamespace(
        compression="quantize", compression_ratio=8.0, compression_bits=8, epochs=4,
        compression_end_epoch=0, compression_schedule="fixed", compression_steps=4,
        compression_patience=5, seed=0,
    )
    with command_line_options():
        with caplog.at_level(logging.WARNING, logger="graphkit.distributed.compression"):
            assert compression_from_config(config, comm=None) is not None
    assert any("--compression-ratio 8 is ignored" in r.getMessage() for r in caplog.records)
