"""NullHop's codec rejects fraction-bit counts and maps it cannot encode or measure."""

import numpy as np
import pytest
import torch
from graphkit.extras.efficient import nullhop
from graphkit.extras.efficient.nullhop_codec import encode, to_fixed_point


def test_empty_map_compression_ratio_rejected():
    encoded = encode(torch.zeros(0, 4, 4))
    assert encoded.numel == 0
    assert encoded.compressed_bits == 0
    with pytest.raises(ValueError, match=r"shape \(0, 4, 4\), which has no pixels"):
        encoded.compression_ratio


@pytest.mark.parametrize("frac_bits", [-1, 16, 2000, 8.5, True])
def test_encode_rejects_frac_bits(frac_bits):
    with pytest.raises(ValueError, match=f"frac_bits={frac_bits!r} is invalid"):
        encode(torch.ones(1, 2, 2), frac_bits=frac_bits)


@pytest.mark.parametrize("frac_bits", [-1, 16, 8.5])
def test_to_fixed_point_rejects_frac_bits(frac_bits):
    with pytest.raises(ValueError, match="Use an integer from 0 to 15"):
        to_fixed_point(torch.ones(3), frac_bits=frac_bits)


def test_config_rejects_frac_bits():
    with pytest.raises(ValueError, match="frac_bits=16 is invalid"):
        nullhop.Config(frac_bits=16)


@pytest.mark.parametrize(
    ("frac_bits", "code"),
    # 1.5 rounds half to even at 0 fraction bits and saturates at 32767 at 15.
    [(0, 2), (15, 32767), (np.int64(4), 24)],
)
def test_frac_bits_in_range_accepted(frac_bits, code):
    encoded = encode(torch.full((1, 1, 1), 1.5), frac_bits=frac_bits)
    assert encoded.values.tolist() == [code]
