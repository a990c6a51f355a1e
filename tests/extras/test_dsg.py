"""DSG-DETR pieces: matcher cost, tracker, relation labels and grouped transformers."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
import torch
from graphkit.extras.dsg import dsgdetr
from graphkit.extras.dsg.models import DSGDETRMini, PerFrameModel, run_grouped
from graphkit.extras.dsg.tracker import (
    generalized_iou,
    matching_cost,
    track,
    track_purity,
)
from graphkit.extras.dsg.video import (
    APPROACHING,
    LEAVING,
    STATIC,
    VideoConfig,
    VideoGenerator,
    relation_labels,
)


def test_matching_cost_two_by_two():
    det_class = np.array([[1.0, 0.0], [0.0, 1.0]])
    det_feature = np.array([[1.0, 0.0], [0.0, 1.0]])
    det_box = np.array([[0.5, 0.5, 0.2, 0.2], [0.1, 0.1, 0.2, 0.2]])
    track_class = np.array([[1.0, 0.0], [0.5, 0.5]])
    track_feature = np.array([[1.0, 0.0], [1.0, 1.0]])
    track_box = np.array([[0.5, 0.5, 0.2, 0.2], [0.5, 0.6, 0.2, 0.2]])
    cost, class_distance, feature_distance = matching_cost(
        det_class, det_feature, det_box, track_class, track_feature, track_box
    )
    half = 1 - 1 / math.sqrt(2)  # cosine distance of (1, 0) and (1, 1)
    # cost = class + feature + 5 L1 - 2 GIoU, GIoU worked out on the xyxy boxes by hand
    expected = np.array(
        [
            [-2.0, 2 * half + 5 * 0.1 - 2 * (1 / 3)],
            [
                1 + 1 + 5 * 0.8 + 2 * (0.28 / 0.36),
                2 * half + 5 * 0.9 + 2 * (0.34 / 0.42),
            ],
        ]
    )
    np.testing.assert_allclose(cost, expected, atol=1e-9)
    np.testing.assert_allclose(class_distance, [[0, half], [1, half]], atol=1e-9)
    np.testing.assert_allclose(feature_distance, [[0, half], [1, half]], atol=1e-9)


def test_giou_identical_and_disjoint():
    a = np.array([[0.0, 0.0, 1.0, 1.0]])
    b = np.array([[2.0, 0.0, 3.0, 1.0]])
    assert generalized_iou(a, a)[0, 0] == pytest.approx(1.0)
    assert generalized_iou(a, b)[0, 0] == pytest.approx(0 - (3 - 2) / 3)


def test_tracker_separates_two_objects():
    frames = 6
    frame = np.repeat(np.arange(frames), 2)
    box = np.array(
        [
            [0.2 + 0.01 * t, 0.2, 0.1, 0.1]
            if k == 0
            else [0.7, 0.7 - 0.01 * t, 0.1, 0.1]
            for t in range(frames)
            for k in range(2)
        ]
    )
    feature = np.array(
        [[1.0, 0.0] if k == 0 else [0.0, 1.0] for _ in range(frames) for k in range(2)]
    )
    class_dist = np.array(
        [[0.9, 0.1] if k == 0 else [0.2, 0.8] for _ in range(frames) for k in range(2)]
    )
    # Present the detections of each frame in alternating order to exercise matching.
    order = np.concatenate(
        [np.arange(2 * t, 2 * t + 2)[:: 1 if t % 2 else -1] for t in range(frames)]
    )
    ids = track(frame[order], box[order], feature[order], class_dist[order])
    instance = np.tile([0, 1], frames)[order]
    assert len(np.unique(ids)) == 2
    assert track_purity(ids, instance) == 1.0


def test_track_purity_counts_majority():
    track_id = np.array([0, 0, 0, 1, 1])
    instance = np.array([5, 5, 7, 7, -1])  # the distractor is its own instance
    assert track_purity(track_id, instance) == pytest.approx(3 / 5)


def test_relation_labels_trend():
    distance = np.array([0.3, 0.3, 0.3, 0.3, 0.26, 0.22, 0.18, 0.14, 0.10, 0.10])
    labels = relation_labels(distance, window=2, threshold=0.03)
    assert labels[0] == STATIC  # 0.3 -> 0.3
    assert labels[4] == APPROACHING  # 0.3 -> 0.18
    rising = relation_labels(distance[::-1], window=2, threshold=0.03)
    assert rising[5] == LEAVING
    # The window is clipped at both ends. Frame 9 compares d[9] with d[7], a change
    # of -0.04, and frame 1 compares d[3] with d[0], no change.
    assert labels.tolist() == [STATIC] * 2 + [APPROACHING] * 8


def test_relation_labels_threshold_is_strict():
    # Binary fractions make the changes exact, and a change of -0.25 is not below
    # the threshold -0.25.
    distance = np.array([1.0, 1.0, 0.75, 0.5, 0.5])
    labels = relation_labels(distance, window=1, threshold=0.25)
    assert labels.tolist() == [STATIC, STATIC, APPROACHING, STATIC, STATIC]
    rising = relation_labels(distance[::-1], window=1, threshold=0.25)
    assert rising.tolist() == [STATIC, STATIC, LEAVING, STATIC, STATIC]


def test_video_clip_fields_consistent():
    clip = VideoGenerator(VideoConfig(frames=10), seed=0).clip()
    assert clip.is_human.sum() == 10  # one human per frame, never dropped
    assert np.all(clip.label[clip.instance > 0] >= 0)
    assert np.all(clip.relation[clip.instance <= 0] == -1)
    np.testing.assert_allclose(clip.class_dist.sum(1), 1.0, rtol=1e-5)


def test_run_grouped_matches_per_group():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False).eval()
    x = torch.randn(6, 8)
    position = torch.randn(4, 8)
    groups = torch.tensor([[0, -1, 2, -1], [-1, 5, -1, -1], [1, 3, 4, -1]])
    out = run_grouped(encoder, x, groups, position)
    with torch.no_grad():
        first = encoder((x[[0, 2]] + position[[0, 2]])[None])[0]
        single = encoder((x[[5]] + position[[1]])[None])[0]
        third = encoder((x[[1, 3, 4]] + position[[0, 1, 2]])[None])[0]
    torch.testing.assert_close(out[[0, 2]], first)
    torch.testing.assert_close(out[[5]], single)
    torch.testing.assert_close(out[[1, 3, 4]], third)


def test_models_forward_shapes():
    config = dsgdetr.Config(train_clips=2, test_clips=1, epochs=1, frames=10)
    train_items, _, purity, _ = dsgdetr.make_data(config)
    batch = dsgdetr.collate(train_items)
    for model in (PerFrameModel(32, 8, 3, dim=16), DSGDETRMini(32, 8, 3, dim=16)):
        objects, relations = model(batch)
        assert objects.shape == (len(batch["label"]), 8)
        assert relations.shape == (len(batch["relation"]), 3)
    assert 0.0 < purity <= 1.0


def test_config_rejects_short_clips():
    with pytest.raises(ValueError, match="frames must lie in 8..64.*got 4"):
        dsgdetr.Config(frames=4)


def test_track_purity_distractors_never_agree():
    # Two distractors in one track are two singleton instances, not a majority.
    track_id = np.array([0, 0, 0])
    instance = np.array([-1, -1, 3])
    assert track_purity(track_id, instance) == pytest.approx(1 / 3)


def _two_frames(feature, class_dist):
    frame = np.array([0, 1])
    box = np.array([[0.2, 0.2, 0.1, 0.1], [0.2, 0.2, 0.1, 0.1]])
    return track(frame, box, np.array(feature), np.array(class_dist))


def test_tracker_accepts_on_either_distance():
    # Same class (distance 0) and orthogonal features (distance 1) are linked.
    ids = _two_frames([[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.1], [0.8, 0.2]])
    assert ids.tolist() == [0, 0]
    # With another class and orthogonal features, both distances are 1, so the
    # second box starts a new track.
    ids = _two_frames([[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.1], [0.2, 0.8]])
    assert ids.tolist() == [0, 1]


def test_tracker_matches_against_last_box():
    # One object moves right (cx 0.1, 0.3, 0.45). At frame 2 a look-alike appears
    # at its first position, cx 0.1. Against the last box (0.3) the mover costs
    # 5 * 0.15 + 2 * 0.2 = 1.15 and the newcomer 5 * 0.2 + 2 * (1 / 3) = 1.67.
    frame = np.array([0, 1, 2, 2])
    cx = np.array([0.1, 0.3, 0.1, 0.45])
    box = np.stack([cx, np.full(4, 0.5), np.full(4, 0.1), np.full(4, 0.1)], axis=1)
    feature = np.ones((4, 2))
    class_dist = np.tile([0.9, 0.1], (4, 1))
    ids = track(frame, box, feature, class_dist)
    assert ids.tolist() == [0, 0, 1, 0]


def _ints(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _item(labels, relations, subject, objects, tracklets, frame_pairs, pair_tracklets):
    rows = len(labels)
    return {
        "feature": np.zeros((rows, 1), np.float32),
        "class_dist": np.zeros((rows, 1), np.float32),
        "box": np.zeros((rows, 4), np.float32),
        "label": _ints(labels),
        "relation": _ints(relations),
        "subject": _ints(subject),
        "object": _ints(objects),
        "tracklets": _ints(tracklets),
        "frame_pairs": _ints(frame_pairs),
        "pair_tracklets": _ints(pair_tracklets),
    }


# Clip A: 3 rows (the third a distractor, label -1) and 2 pairs. Clip B: 1 row, 1 pair.
# Entries of -1 in the group matrices are padding and must stay -1 when shifted.
ITEM_A = _item(
    [0, 1, -1], [1, -1], [0, 0], [1, 2], [[0, -1], [1, 2]], [[0, 1]], [[0], [1]]
)
ITEM_B = _item([2], [0], [0], [0], [[0, -1]], [[0]], [[0]])


def test_collate_shifts_ids_and_pads():
    batch = dsgdetr.collate([ITEM_A, ITEM_B])
    assert batch["label"].tolist() == [0, 1, -1, 2]
    # Row ids of clip B move past clip A's 3 rows, pair ids past its 2 pairs.
    assert batch["subject"].tolist() == [0, 0, 3]
    assert batch["object"].tolist() == [1, 2, 3]
    assert batch["tracklets"].tolist() == [[0, -1], [1, 2], [3, -1]]
    assert batch["frame_pairs"].tolist() == [[0, 1], [2, -1]]
    assert batch["pair_tracklets"].tolist() == [[0], [1], [2]]


class _FixedLogits(torch.nn.Module):
    def forward(self, batch):
        # Objects predicted 0, 0, 1, 2 and relations 1, 0, 1.
        objects = torch.nn.functional.one_hot(torch.tensor([0, 0, 1, 2]), 3).float()
        relations = torch.nn.functional.one_hot(torch.tensor([1, 0, 1]), 2).float()
        return objects, relations


def test_evaluate_hand_values():
    # Objects: rows 0, 1, 3 are real (labels 0, 1, 2) and 2 of them are correct.
    # Relations: pairs 0 and 2 are annotated (1 and 0) and only pair 0 is correct.
    # The clips have 4 ground-truth relations, 2 of them never detected.
    clips = [
        types.SimpleNamespace(num_relations=3),
        types.SimpleNamespace(num_relations=1),
    ]
    metrics = dsgdetr.evaluate(_FixedLogits(), [ITEM_A, ITEM_B], clips)
    assert metrics["object_accuracy"] == pytest.approx(2 / 3)
    assert metrics["relation_recall_at_1"] == pytest.approx(1 / 4)
    assert metrics["relation_accuracy_detected"] == pytest.approx(1 / 2)
