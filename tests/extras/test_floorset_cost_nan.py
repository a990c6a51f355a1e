"""contest_cost rejects NaN arguments and scores finite ones as computed by hand."""

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


@pytest.mark.parametrize(
    ("runtime_factor", "expected"),
    [(2.0, 2.0**0.3), (0.5, 0.5**0.3), (0.25, 0.7)],
)
def test_runtime_factor_scored(runtime_factor, expected):
    # The runtime term is max(0.7, factor^0.3), and 0.25^0.3 = 0.66 is below 0.7.
    assert contest_cost(0.0, 0.0, 0.0, runtime_factor) == pytest.approx(expected)


def test_negative_runtime_factor_rejected():
    # Clamped at 0.01, a factor of -1 would score as the fastest possible run, 0.7.
    with pytest.raises(ValueError, match=r"runtime_factor=-1 is invalid"):
        contest_cost(0.0, 0.0, 0.0, -1)
    assert contest_cost(0.0, 0.0, 0.0, 0.0) == pytest.approx(0.7)
