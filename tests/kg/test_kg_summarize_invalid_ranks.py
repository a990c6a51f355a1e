"""summarize_ranks rejects values that are not ranks instead of averaging them."""

import pytest
import torch

from graphkit.kg import summarize_ranks


@pytest.mark.parametrize(
    "ranks, first",
    [
        ([1, 0, 2], "0.0 at index 1"),
        ([3.0, -1.0], "-1.0 at index 1"),
        ([2.0, float("nan")], "nan at index 1"),
    ],
)
def test_invalid_ranks_rejected(ranks, first):
    with pytest.raises(ValueError, match=f"below 1 or NaN \\(first: {first}\\)"):
        summarize_ranks(torch.tensor(ranks))


def test_valid_ranks_from_list():
    metrics = summarize_ranks([1, 2, 4])
    assert metrics["mr"] == pytest.approx(7 / 3)
    assert metrics["mrr"] == pytest.approx((1 + 0.5 + 0.25) / 3)
    assert metrics["hits@1"] == pytest.approx(1 / 3)
    assert metrics["hits@3"] == pytest.approx(2 / 3)
    assert metrics["num_ranks"] == 3
