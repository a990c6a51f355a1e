"""DSG-DETR tracker edge cases: zero-area boxes, empty clips, bad input, uneven frames."""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.extras.dsg.tracker import (
    generalized_iou,
    matching_cost,
    track,
    track_purity,
)


def test_giou_zero_area_boxes_finite():
    point = np.array([[0.5, 0.5, 0.5, 0.5]])
    segment = np.array([[0.0, 0.0, 0.0, 1.0]])
    unit = np.array([[0.0, 0.0, 1.0, 1.0]])
    far = np.array([[1.0, 1.0, 2.0, 2.0]])
    # Identical points or segments have no union or hull area, so both terms are 0.
    assert generalized_iou(point, point)[0, 0] == 0.0
    assert generalized_iou(segment, segment)[0, 0] == 0.0
    # A point inside the unit box has IoU 0 and hull = union = 1, so GIoU is 0.
    assert generalized_iou(point, unit)[0, 0] == 0.0
    # For a point outside a box the hull is 1.5 x 1.5 = 2.25 and the union is 1,
    # so GIoU = -(1.25 / 2.25).
    assert generalized_iou(point, far)[0, 0] == pytest.approx(-1.25 / 2.25)


def test_giou_integer_boxes():
    boxes = np.array([[0, 0, 2, 2], [1, 1, 3, 3]])
    giou = generalized_iou(boxes, boxes)
    # Overlap is 1, union 7 and hull 9, so GIoU = 1/7 - 2/9.
    assert giou[0, 1] == pytest.approx(1 / 7 - 2 / 9)
    assert giou[0, 0] == 1.0


def test_tracker_zero_size_boxes():
    frame = np.array([0, 1, 2])
    box = np.array([[0.3, 0.3, 0.0, 0.0]] * 3)
    feature = np.array([[1.0, 0.0]] * 3)
    class_dist = np.array([[0.9, 0.1]] * 3)
    track_id = track(frame, box, feature, class_dist)
    assert track_id.tolist() == [0, 0, 0]


def test_tracker_empty_clip():
    track_id = track(
        np.zeros(0, dtype=int), np.zeros((0, 4)), np.zeros((0, 3)), np.zeros((0, 2))
    )
    assert track_id.shape == (0,)
    with pytest.raises(ValueError, match="without detections"):
        track_purity(track_id, np.zeros(0, dtype=int))


def test_tracker_names_non_finite_feature():
    frame = np.array([0, 1])
    box = np.array([[0.3, 0.3, 0.1, 0.1]] * 2)
    feature = np.array([[1.0, 0.0], [np.nan, 0.0]])
    class_dist = np.array([[0.9, 0.1]] * 2)
    with pytest.raises(ValueError, match="feature has non-finite values in 1 .* row 1"):
        track(frame, box, feature, class_dist)


def test_tracker_rejects_row_count_mismatch():
    with pytest.raises(ValueError, match="box has 1 rows but frame has 2"):
        track(np.array([0, 1]), np.zeros((1, 4)), np.zeros((2, 2)), np.ones((2, 2)))


def test_tracker_rectangular_frames():
    # Frame 0: object A. Frame 1: B, A, C (3 detections, 1 track). Frame 2: C alone
    # (1 detection, 3 tracks). Features and classes identify each object.
    feature_of = {"A": [1.0, 0.0, 0.0], "B": [0.0, 1.0, 0.0], "C": [0.0, 0.0, 1.0]}
    class_of = {"A": [0.9, 0.05, 0.05], "B": [0.05, 0.9, 0.05], "C": [0.05, 0.05, 0.9]}
    box_of = {
        "A": [0.2, 0.2, 0.1, 0.1],
        "B": [0.5, 0.5, 0.1, 0.1],
        "C": [0.8, 0.8, 0.1, 0.1],
    }
    rows = [(0, "A"), (1, "B"), (1, "A"), (1, "C"), (2, "C")]
    frame = np.array([t for t, _ in rows])
    box = np.array([box_of[o] for _, o in rows])
    feature = np.array([feature_of[o] for _, o in rows])
    class_dist = np.array([class_of[o] for _, o in rows])
    track_id = track(frame, box, feature, class_dist)
    # A keeps track 0. B and C open tracks 1 and 2 in row order, and C continues
    # track 2.
    assert track_id.tolist() == [0, 1, 0, 2, 2]


@pytest.mark.parametrize(
    "frames, expected", [([0, 2], [0, 0]), ([0, 3], [0, 1]), ([0, 10], [0, 1])]
)
def test_tracker_ages_across_empty_frames(frames, expected):
    # One object seen twice with max_age 2. The frames between are empty, so the
    # track has missed 1, 2 or 9 frames. After 2 missed frames it is closed.
    frame = np.array(frames)
    box = np.array([[0.3, 0.3, 0.1, 0.1]] * 2)
    feature = np.array([[1.0, 0.0]] * 2)
    class_dist = np.array([[0.9, 0.1]] * 2)
    assert track(frame, box, feature, class_dist, max_age=2).tolist() == expected


def test_tracker_ages_like_contiguous_frames():
    # Filling the same gaps with a far-away distractor B gives the same result for A,
    # because its track still closes after 2 missed frames.
    rows = [(0, "A"), (1, "B"), (2, "B"), (3, "A")]
    box_of = {"A": [0.2, 0.2, 0.1, 0.1], "B": [0.8, 0.8, 0.1, 0.1]}
    feature_of = {"A": [1.0, 0.0], "B": [0.0, 1.0]}
    class_of = {"A": [0.9, 0.1], "B": [0.1, 0.9]}
    track_id = track(
        np.array([t for t, _ in rows]),
        np.array([box_of[o] for _, o in rows]),
        np.array([feature_of[o] for _, o in rows]),
        np.array([class_of[o] for _, o in rows]),
        max_age=2,
    )
    assert track_id.tolist() == [0, 1, 1, 2]


CLASS_A, CLASS_B = [0.9, 0.1], [0.1, 0.9]
FEATURE_1, FEATURE_2 = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("class_dist", "feature"),
    [
        # After classes A and B the track's class mean is (0.5, 0.5), at distance
        # 1 - 1/sqrt(2) < 0.5 from B. From A alone the class distance would be 1,
        # and the feature distance is 1.
        ([CLASS_A, CLASS_B, CLASS_B], [FEATURE_1, FEATURE_1, FEATURE_2]),
        # The same with the roles of class and feature swapped.
        ([CLASS_A, CLASS_A, CLASS_B], [FEATURE_1, FEATURE_2, FEATURE_2]),
    ],
)
def test_tracker_matches_against_track_means(class_dist, feature):
    # Each later detection is accepted only through the mean over the whole track.
    frame = np.arange(3)
    box = np.tile([0.5, 0.5, 0.1, 0.1], (3, 1))
    ids = track(frame, box, np.array(feature), np.array(class_dist))
    assert ids.tolist() == [0, 0, 0]


def test_tracker_opposite_features_not_matched():
    # Cosine distance 1 - (-1) = 2 for opposite features, and the classes differ.
    frame = np.arange(2)
    box = np.tile([0.5, 0.5, 0.1, 0.1], (2, 1))
    feature = np.array([[1.0, -1.0], [-1.0, 1.0]])
    ids = track(frame, box, feature, np.array([CLASS_A, CLASS_B]))
    assert ids.tolist() == [0, 1]


def test_tracker_zero_feature_vectors():
    # The cosine of two zero vectors is 0 / 0. A NaN cost makes
    # linear_sum_assignment raise, so zero features must give distance 1.
    frame = np.array([0, 0, 1, 1])
    box = np.array([[0.2, 0.2, 0.1, 0.1], [0.8, 0.8, 0.1, 0.1]] * 2)
    feature = np.zeros((4, 3))
    class_dist = np.array([[0.9, 0.1], [0.1, 0.9]] * 2)
    cost, _class_distance, feature_distance = matching_cost(
        np.eye(2)[[0, 1]], feature[:2], box[:2], np.eye(2)[[0, 1]], feature[:2], box[:2]
    )
    assert feature_distance.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert bool(np.isfinite(cost).all())
    # Each object keeps its class, so the class distance links it across frames.
    assert track(frame, box, feature, class_dist).tolist() == [0, 1, 0, 1]
