"""discretise_histograms rejects counts that give wrong or undefined symbols."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import discretise_histograms


def test_negative_counts_rejected():
    # With base 3, the mixed-radix keys of [2, 0] and [-1, 1] are both 2, so the two
    # rows would share one symbol.
    counts = torch.tensor([[2, 0], [-1, 1]])
    with pytest.raises(ValueError, match=r"non-negative, got the entry -1"):
        discretise_histograms(counts, bins=None)


def test_float_counts_rejected():
    with pytest.raises(TypeError, match=r"integer tensor .* got torch\.float32"):
        discretise_histograms(torch.tensor([[1.5, 2.0]]), bins=4)


def test_empty_row_with_bins_rejected():
    # Without the check, a zero row divided by its sum fails inside torch.div.
    counts = torch.tensor([[1, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"counts row 1 sums to 0"):
        discretise_histograms(counts, bins=4)
    # Raw counts need no fractions, so an empty row is its own symbol.
    assert discretise_histograms(counts, bins=None).unique().numel() == 2


def test_one_dimensional_counts_rejected():
    with pytest.raises(ValueError, match=r"shape \[n, C\].*got \(3,\)"):
        discretise_histograms(torch.tensor([1, 2, 3]), bins=None)
