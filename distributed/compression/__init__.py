"""Compressed halo exchange with fixed or variable compression rates.

Codecs (one module each): random orthogonal projection, a learned linear
encoder/decoder, stochastic quantization and row subsampling. Schedules: fixed, step,
exp and adaptive. :class:`Compression` ties a codec and a schedule to a sharded graph.
"""

from graphkit.distributed.compression.codec import Codec, CodeContext
from graphkit.distributed.compression.control import (
    COMPRESSORS,
    Compression,
    compression_from_config,
    make_codec,
)
from graphkit.distributed.compression.exchange import CompressedHalo
from graphkit.distributed.compression.learned import LearnedCodec
from graphkit.distributed.compression.projection import RandomProjectionCodec
from graphkit.distributed.compression.quantize import QuantizeCodec, bits_for_ratio
from graphkit.distributed.compression.schedule import (
    SCHEDULES,
    AdaptiveSchedule,
    ExpSchedule,
    FixedSchedule,
    StepSchedule,
    make_schedule,
)
from graphkit.distributed.compression.subsample import SubsampleCodec

__all__ = [
    "COMPRESSORS",
    "SCHEDULES",
    "AdaptiveSchedule",
    "CodeContext",
    "Codec",
    "CompressedHalo",
    "Compression",
    "ExpSchedule",
    "FixedSchedule",
    "LearnedCodec",
    "QuantizeCodec",
    "RandomProjectionCodec",
    "StepSchedule",
    "SubsampleCodec",
    "bits_for_ratio",
    "compression_from_config",
    "make_codec",
    "make_schedule",
]
