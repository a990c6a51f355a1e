"""Pass criteria: inclusive bounds, NaN never passes, the target text."""

from __future__ import annotations

import math

from graphkit.extras.criteria import at_least, at_most


def test_at_least_bound_is_inclusive():
    assert at_least("accuracy", 90.0, 90.0, "%").passed
    assert not at_least("accuracy", 89.99, 90.0, "%").passed
    assert at_least("accuracy", 90.0, 90.0, "%").target_text == ">= 90%"


def test_at_most_bound_is_inclusive():
    assert at_most("gap", 1.5, 1.5, " points").passed
    assert not at_most("gap", 1.51, 1.5, " points").passed
    assert at_most("gap", 1.5, 1.5, " points").target_text == "<= 1.5 points"


def test_nan_value_fails_both():
    assert not at_least("accuracy", math.nan, 0.0).passed
    assert not at_most("gap", math.nan, 0.0).passed
