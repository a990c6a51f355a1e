"""The tracker rejects NaN frames, bad shapes, negative box sizes and max_age."""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.extras.dsg.tracker import track


def _detections():
    frame = np.array([0.0, 0.0, 1.0, 1.0])
    box = np.array(
        [
            [0.2, 0.2, 0.1, 0.1],
            [0.7, 0.7, 0.1, 0.1],
            [0.21, 0.2, 0.1, 0.1],
            [0.7, 0.71, 0.1, 0.1],
        ]
    )
    feature = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.1], [0.1, 1.0]])
    class_dist = np.array([[0.9, 0.1], [0.1, 0.9], [0.8, 0.2], [0.2, 0.8]])
    return frame, box, feature, class_dist


def test_valid_detections_form_two_tracks():
    assert track(*_detections()).tolist() == [0, 1, 0, 1]


def test_nan_frame_rejected():
    frame, box, feature, class_dist = _detections()
    frame[2] = np.nan
    with pytest.raises(ValueError, match="frame has non-finite values in 1 .* row 2"):
        track(frame, box, feature, class_dist)


def test_negative_box_size_rejected():
    frame, box, feature, class_dist = _detections()
    box[3, 2] = -0.1
    with pytest.raises(ValueError, match="negative width or height in 1 .* row 3"):
        track(frame, box, feature, class_dist)


@pytest.mark.parametrize("max_age", [-1, -0.5, float("nan")])
def test_invalid_max_age_rejected(max_age):
    with pytest.raises(ValueError, match=f"max_age={max_age!r} is invalid"):
        track(*_detections(), max_age=max_age)


def test_zero_max_age_links_nothing():
    # Every track closes after its first frame, so each detection gets its own id.
    assert track(*_detections(), max_age=0).tolist() == [0, 1, 2, 3]


def test_one_frame_gap_closes_max_age_one():
    # Frame 1 has no detections, so the tracks of frame 0 miss one frame. That closes
    # them at max_age=1 but not at max_age=2.
    frame, box, feature, class_dist = _detections()
    frame[2:] = 2.0
    assert track(frame, box, feature, class_dist, max_age=1).tolist() == [0, 1, 2, 3]
    assert track(frame, box, feature, class_dist, max_age=2).tolist() == [0, 1, 0, 1]


@pytest.mark.parametrize(
    ("position", "value", "message"),
    [
        (0, np.zeros((4, 1)), r"frame has shape \(4, 1\)\. Pass a \(D,\) array"),
        (1, np.full((4, 3), 0.1), r"box has shape \(4, 3\)\. Pass \(D, 4\) boxes"),
        (2, np.ones(4), r"feature has shape \(4,\)\. Pass a \(D, F\) array"),
        (3, np.ones(4), r"class_dist has shape \(4,\)\. Pass a \(D, C\) array"),
        (3, np.ones((4, 0)), r"class_dist has shape \(4, 0\), with no classes"),
    ],
)
def test_wrong_input_shape_rejected(position, value, message):
    arguments = list(_detections())
    arguments[position] = value
    with pytest.raises(ValueError, match=message):
        track(*arguments)


def test_no_detections_give_no_ids():
    ids = track(np.zeros(0), np.zeros((0, 4)), np.zeros((0, 2)), np.zeros((0, 3)))
    assert ids.shape == (0,)
