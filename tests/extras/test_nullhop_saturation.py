"""NullHop maps beyond the 16-bit fixed-point range: counted, reported and logged."""

from __future__ import annotations

import dataclasses
import logging

import pytest
import torch
from graphkit.extras.efficient import nullhop
from graphkit.extras.efficient.nullhop_codec import (
    WorkModel,
    decode,
    encode,
    saturated_count,
    to_fixed_point,
)
from torch import nn


@pytest.mark.parametrize(
    ("frac_bits", "expected"),
    # The range is [-2^15, 2^15 - 1] / 2^frac_bits: [-128, 127.996] at 8 bits and
    # [-1, 0.99997] at 15 bits.
    [(8, 2), (15, 5)],
)
def test_saturated_count_hand_values(frac_bits, expected):
    x = torch.tensor([0.5, -1.0, 1.0, 2.82, 127.5, 128.0, -129.0])
    assert saturated_count(x, frac_bits) == expected


def test_clipped_map_still_decodes_exactly():
    # The round trip check cannot see clipping, which is why the count exists.
    feature_map = torch.tensor([[[0.5, 2.82]]])
    decoded = decode(encode(feature_map, 15))
    assert torch.equal(decoded, to_fixed_point(feature_map, 15))
    assert decoded[0, 0, 1].item() == pytest.approx(1 - 2**-15)


def test_layer_report_saturated_fraction(caplog):
    conv = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    maps = [torch.tensor([[[0.25, 2.0], [0.0, 3.0]]])]
    config = dataclasses.replace(nullhop.Config.smoke(), frac_bits=15)
    report = nullhop._layer_report(maps, conv, config, WorkModel())
    assert report["saturated_fraction"] == 0.5
    assert report["roundtrip_exact"] == 1.0
    with caplog.at_level(logging.WARNING, logger=nullhop.__name__):
        nullhop._warn_saturation({"conv1_saturated_fraction": 0.5}, 15)
    assert "conv1: 50.00% of the feature-map pixels exceed" in caplog.text
    assert "+-1 of frac_bits=15" in caplog.text


def test_no_warning_without_saturation(caplog):
    with caplog.at_level(logging.WARNING, logger=nullhop.__name__):
        nullhop._warn_saturation({"conv1_saturated_fraction": 0.0}, 8)
    assert caplog.text == ""
