"""The warning for a checkpoint of other compression settings: one line, from rank 0."""

import logging
from types import SimpleNamespace

import pytest
from graphkit.distributed.compression import Compression, FixedSchedule
from graphkit.distributed.compression.learned import LearnedCodec


def _learned(ratio, rank=0):
    codec = LearnedCodec()
    # Two aggregation calls, as a two-layer model creates them.
    codec.weights("0_0", 64, "cpu")
    codec.weights("1_0", 32, "cpu")
    return Compression(codec, FixedSchedule(ratio), comm=SimpleNamespace(rank=rank))


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_learned_codec_warning_one_line(caplog):
    saved = _learned(4.0)
    resumed = _learned(8.0)
    with caplog.at_level(logging.WARNING):
        resumed.load_state_dict(saved.state_dict())
    expected = (
        "the checkpoint was written with Compression(codec=LearnedCodec(seed=0, "
        "min_width=16, calls=2), schedule=FixedSchedule(ratio=4.0)) but this run has "
        "Compression(codec=LearnedCodec(seed=0, min_width=16, calls=2), "
        "schedule=FixedSchedule(ratio=8.0)), so it continues with this run's schedule "
        "at ratio 8 from epoch 1"
    )
    assert _warnings(caplog) == [expected]


@pytest.mark.parametrize("rank", [1, 3])
def test_other_ranks_do_not_warn(caplog, rank):
    saved = _learned(4.0)
    resumed = _learned(8.0, rank=rank)
    with caplog.at_level(logging.WARNING):
        resumed.load_state_dict(saved.state_dict())
    assert _warnings(caplog) == []
    assert resumed.ratio == 8.0
