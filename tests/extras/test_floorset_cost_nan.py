"""contest_cost rejects NaN instead of scoring it as a perfect layout."""

from __future__ import annotations

import math

import pytest
from graphkit.extras.floorset.evaluate import contest_cost


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ((math.nan, 0.0, 0.0, 1.0), "hpwl_gap"),
        ((0.0, math.nan, 0.0, 1.0), "area_gap"),
        ((0.0, 0.0, math.nan, 1.0), "v_rel"),
        ((0.1, 0.1, 0.0, math.nan), "runtime_factor"),
    ],
)
def test_nan_argument_rejected(arguments, name):
    with pytest.raises(ValueError, match=f"NaN for {name}"):
        contest_cost(*arguments)


def test_finite_arguments_scored():
    assert contest_cost(0.2, 0.0, 0.0, 1.0) == pytest.approx(1.1)
    assert contest_cost(-0.5, -0.5, 0.0, 0.0) == pytest.approx(0.7)
