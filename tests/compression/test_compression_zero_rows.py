"""Every codec sends and decodes zero rows, as a partition without nodes needs."""

import pytest
import torch
from graphkit.distributed.compression import (
    CodeContext,
    QuantizeCodec,
    RandomProjectionCodec,
    SubsampleCodec,
)
from graphkit.distributed.compression.quantize import pack, unpack


@pytest.mark.parametrize("bits", [8, 4, 2])
def test_pack_unpack_zero_rows(bits):
    packed = pack(torch.zeros(0, 13, dtype=torch.long), bits)
    assert packed.shape == (0, -(-13 * bits // 8))
    assert unpack(packed, bits, 13).shape == (0, 13)


@pytest.mark.parametrize(
    "codec_cls", [QuantizeCodec, RandomProjectionCodec, SubsampleCodec]
)
@pytest.mark.parametrize("ratio", [2, 16])
def test_codec_round_trip_zero_rows(codec_cls, ratio):
    codec = codec_cls()
    ctx = CodeContext(ratio, 3, 0, "0.0")
    payload = codec.encode(torch.zeros(0, 32), ctx)
    spec = codec.payload_spec(0, 32, ctx)
    assert [tuple(p.shape) for p in payload] == [shape for shape, _ in spec]
    assert codec.decode(payload, 0, 32, ctx).shape == (0, 32)
