"""DSG-DETR tracker with finite inputs whose matching cost overflows to NaN or inf."""

from __future__ import annotations

import math

import numpy as np
import pytest
from graphkit.extras.dsg.tracker import assignable_cost, track

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_assignable_cost_replaces_non_finite():
    cost = np.array([[1.0, np.nan], [np.inf, -2.0]])
    fixed = assignable_cost(cost)
    # The largest finite magnitude is 2, so the penalty is 2 * 2 + 1 = 5.
    assert fixed.tolist() == [[1.0, 5.0], [5.0, -2.0]]


def test_assignable_cost_all_non_finite():
    fixed = assignable_cost(np.array([[np.nan, -np.inf]]))
    assert fixed.tolist() == [[1.0, 1.0]]


def test_assignable_cost_penalty_capped():
    fixed = assignable_cost(np.array([[1e308, np.inf], [1.0, 2.0]]))
    cap = np.finfo(np.float64).max / 3
    assert fixed[0, 1] == cap
    assert math.isfinite(fixed.sum())


def test_assignable_cost_finite_unchanged():
    cost = np.array([[0.5, 1.5]])
    assert assignable_cost(cost) is cost


def test_tracker_huge_box_links_same_class():
    # A width of 1e200 is finite, but its area overflows to inf and the GIoU to NaN.
    frame = np.array([0, 1])
    box = np.array([[0.5, 0.5, 1e200, 1e200], [0.5, 0.5, 0.1, 0.1]])
    feature = np.ones((2, 3))
    class_dist = np.array([[1.0, 0.0], [1.0, 0.0]])
    # The class distance is 0 < 0.5, so the second detection joins the first track.
    assert track(frame, box, feature, class_dist).tolist() == [0, 0]


def test_tracker_overflowing_feature_sum():
    # The track's feature sum reaches inf after two detections, so its mean is inf
    # and the feature distance of the third detection is NaN.
    frame = np.array([0, 1, 2])
    box = np.tile([0.5, 0.5, 0.1, 0.1], (3, 1))
    feature = np.tile([1e308, 1e308, 1.0], (3, 1))
    class_dist = np.tile([1.0, 0.0], (3, 1))
    assert track(frame, box, feature, class_dist).tolist() == [0, 0, 0]
