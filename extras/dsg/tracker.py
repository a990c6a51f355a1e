"""Hungarian tracklets for DSG-DETR: match each frame's detections to the active tracks.

The matching cost between detection d and track k (boxes ``[cx, cy, w, h]`` normalised
by the image size) is

.. math::
    C_{dk} = 1\\,(1 - \\cos(p_d, \\bar p_k)) + 1\\,(1 - \\cos(f_d, \\bar f_k))
        + 5\\,\\|b_d - b_k\\|_1 - 2\\,\\mathrm{GIoU}(b_d, b_k)

with the one-hot class p_d (argmax of the detector's class distribution), the feature
f_d, the means p-bar, f-bar over the track's detections so far and the track's last box
b_k. ``scipy.optimize.linear_sum_assignment`` solves the assignment. A pair is accepted
when its class distance or its feature distance is below 0.5, and every other
detection starts a new track. A track unmatched for ``max_age`` frames is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

COST_WEIGHTS = (1.0, 1.0, 5.0, 2.0)  # class, feature, box L1, GIoU
ACCEPT_DISTANCE = 0.5


def cxcywh_to_xyxy(box: np.ndarray) -> np.ndarray:
    """Convert (..., 4) ``[cx, cy, w, h]`` boxes to ``[x0, y0, x1, y1]``."""
    half = box[..., 2:] / 2
    return np.concatenate([box[..., :2] - half, box[..., :2] + half], axis=-1)


def generalized_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the (N, M) GIoU of ``[x0, y0, x1, y1]`` boxes: IoU - (|C| - |A u B|) / |C|.

    Zero-area boxes would make both quotients 0 / 0, and a NaN cost makes
    ``linear_sum_assignment`` raise. So IoU is 0 where the union has no area, and the
    hull term is 0 where the hull C has no area (two identical points or segments).
    """
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    low = np.maximum(a[:, None, :2], b[None, :, :2])
    high = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=2)
    union = area_a[:, None] + area_b[None, :] - inter
    hull = np.prod(
        np.maximum(a[:, None, 2:], b[None, :, 2:])
        - np.minimum(a[:, None, :2], b[None, :, :2]),
        axis=2,
    )
    iou = np.divide(inter, union, out=np.zeros(inter.shape), where=union > 0)
    gap = np.divide(hull - union, hull, out=np.zeros(hull.shape), where=hull > 0)
    return iou - gap


def cosine_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the (N, M) matrix ``1 - cos(x_i, y_j)``."""
    x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)
    y = y / (np.linalg.norm(y, axis=1, keepdims=True) + 1e-12)
    return 1.0 - x @ y.T


def matching_cost(
    det_class: np.ndarray,
    det_feature: np.ndarray,
    det_box: np.ndarray,
    track_class: np.ndarray,
    track_feature: np.ndarray,
    track_box: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the (D, K) total cost, class distance and feature distance (module doc)."""
    w_class, w_feature, w_box, w_giou = COST_WEIGHTS
    class_distance = cosine_distance(det_class, track_class)
    feature_distance = cosine_distance(det_feature, track_feature)
    l1 = np.abs(det_box[:, None, :] - track_box[None, :, :]).sum(2)
    giou = generalized_iou(cxcywh_to_xyxy(det_box), cxcywh_to_xyxy(track_box))
    cost = (
        w_class * class_distance
        + w_feature * feature_distance
        + w_box * l1
        - w_giou * giou
    )
    return cost, class_distance, feature_distance


def assignable_cost(cost: np.ndarray) -> np.ndarray:
    """Return ``cost`` with every NaN or infinite entry replaced by a finite penalty.

    Finite inputs can still overflow, for example a box of width 1e200 has an infinite
    area, and ``linear_sum_assignment`` raises on a NaN or infinite entry. The penalty
    ``2 max|finite entry| + 1`` makes such a pair the last choice of the assignment.
    It is capped at ``float max / (min(D, K) + 1)``, so a sum over one assignment stays
    finite.
    """
    finite = np.isfinite(cost)
    if finite.all():
        return cost
    largest = float(np.abs(cost[finite]).max()) if finite.any() else 0.0
    cap = np.finfo(np.float64).max / (min(cost.shape) + 1)
    return np.where(finite, cost, min(2.0 * largest + 1.0, cap))


@dataclass
class _Track:
    members: list[int]
    class_sum: np.ndarray
    feature_sum: np.ndarray
    box: np.ndarray
    last_frame: int


def _check_shapes(
    frame: np.ndarray, box: np.ndarray, feature: np.ndarray, class_dist: np.ndarray
) -> None:
    """Raise ValueError unless the shapes are (D,), (D, 4), (D, F) and (D, C >= 1)."""
    if np.ndim(frame) != 1:
        raise ValueError(
            f"frame has shape {np.shape(frame)}. Pass a (D,) array of frame indices."
        )
    # Without these checks, boxes [cx, cy, w] of 3 columns would be matched as
    # squares of side w, and a 1-D feature would fail later with a numpy AxisError
    # that names no array.
    if np.ndim(box) != 2 or np.shape(box)[1] != 4:
        raise ValueError(
            f"box has shape {np.shape(box)}. Pass (D, 4) boxes [cx, cy, w, h]."
        )
    for name, values, columns in (
        ("feature", feature, "F"),
        ("class_dist", class_dist, "C"),
    ):
        if np.ndim(values) != 2:
            raise ValueError(
                f"{name} has shape {np.shape(values)}. Pass a (D, {columns}) array "
                "with one row per detection."
            )
    if np.shape(class_dist)[1] < 1:
        raise ValueError(
            f"class_dist has shape {np.shape(class_dist)}, with no classes. Pass a "
            "(D, C) array of class distributions with C >= 1."
        )


def track(
    frame: np.ndarray,
    box: np.ndarray,
    feature: np.ndarray,
    class_dist: np.ndarray,
    max_age: int = 50,
) -> np.ndarray:
    """Assign every detection of one clip to a tracklet.

    Args:
        frame (np.ndarray): (D,) frame index of each detection.
        box (np.ndarray): (D, 4) ``[cx, cy, w, h]`` boxes normalised by the image size.
        feature (np.ndarray): (D, F) appearance features.
        class_dist (np.ndarray): (D, C) detector class distributions.
        max_age (int, default 50): frames a track may stay unmatched before it closes,
            >= 0. With 0 every track closes after its first frame, so no detections
            are linked.

    Returns:
        np.ndarray: (D,) tracklet id per detection, numbered from 0 in creation order.
    """
    if not max_age >= 0:
        # A negative max_age would close every track like 0, and so would NaN,
        # because every comparison with NaN is false.
        raise ValueError(
            f"max_age={max_age!r} is invalid. Use a number of frames >= 0. With 0, "
            "every track closes after its first frame."
        )
    _check_shapes(frame, box, feature, class_dist)
    for name, values in (
        ("box", box),
        ("feature", feature),
        ("class_dist", class_dist),
    ):
        if len(values) != len(frame):
            raise ValueError(
                f"{name} has {len(values)} rows but frame has {len(frame)}. "
                "Pass one row per detection."
            )
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            # A NaN cost makes linear_sum_assignment raise "matrix contains invalid
            # numeric entries", which names neither the array nor the detection.
            raise ValueError(
                f"{name} has non-finite values in {int(bad.sum())} detections, the "
                f"first at row {int(np.flatnonzero(bad)[0])}"
            )
    frame = np.asarray(frame)
    if not np.isfinite(frame).all():
        # np.unique keeps NaN, but frame == NaN selects no row, so such detections
        # would silently keep track id -1.
        bad_frames = np.flatnonzero(~np.isfinite(frame))
        raise ValueError(
            f"frame has non-finite values in {len(bad_frames)} detections, the first "
            f"at row {int(bad_frames[0])}"
        )
    negative = (box[:, 2:] < 0).any(axis=1)
    if negative.any():
        # GIoU assumes x0 <= x1 and y0 <= y1. A box with w, h < 0 gets GIoU 1 against
        # the upright box of the same centre and size.
        raise ValueError(
            f"box has negative width or height in {int(negative.sum())} detections, "
            f"the first at row {int(np.flatnonzero(negative)[0])}. Boxes are "
            "[cx, cy, w, h] with w, h >= 0"
        )
    one_hot = np.eye(class_dist.shape[1])[class_dist.argmax(1)]
    track_id = np.full(len(frame), -1)
    active: list[_Track] = []
    all_tracks: list[_Track] = []
    for t in np.unique(frame):
        rows = np.flatnonzero(frame == t)
        matched = set()
        # Frames without detections are skipped, so age the tracks here too. A track
        # last matched at frame L has missed t - L - 1 frames when frame t starts.
        active = [k for k in active if t - k.last_frame <= max_age]
        if active:
            cost, class_distance, feature_distance = matching_cost(
                one_hot[rows],
                feature[rows],
                box[rows],
                np.stack([k.class_sum / len(k.members) for k in active]),
                np.stack([k.feature_sum / len(k.members) for k in active]),
                np.stack([k.box for k in active]),
            )
            for r, c in zip(*linear_sum_assignment(assignable_cost(cost))):
                if min(class_distance[r, c], feature_distance[r, c]) < ACCEPT_DISTANCE:
                    k, d = active[c], rows[r]
                    k.members.append(d)
                    k.class_sum += one_hot[d]
                    k.feature_sum += feature[d]
                    k.box, k.last_frame = box[d], t
                    matched.add(r)
        for r in range(len(rows)):
            if r not in matched:
                d = rows[r]
                new = _Track([d], one_hot[d].copy(), feature[d].copy(), box[d], t)
                active.append(new)
                all_tracks.append(new)
        kept = [k for k in active if t - k.last_frame < max_age]
        active = kept
    for number, k in enumerate(all_tracks):
        track_id[k.members] = number
    return track_id


def track_purity(track_id: np.ndarray, instance: np.ndarray) -> float:
    """Return the fraction of detections whose track's majority instance is their own.

    Distractor detections (instance -1) count as their own singleton instances, so a
    distractor merged into an object's track lowers the purity.
    """
    if len(track_id) == 0:
        raise ValueError(
            "track purity is undefined for a clip without detections. Skip such clips."
        )
    if len(instance) != len(track_id):
        raise ValueError(
            f"instance has {len(instance)} rows but track_id has {len(track_id)}. "
            "Pass one instance id per detection."
        )
    identity = instance.copy()
    identity[instance < 0] = -1 - np.arange(np.sum(instance < 0))
    agreeing = 0
    for k in np.unique(track_id):
        _, counts = np.unique(identity[track_id == k], return_counts=True)
        agreeing += counts.max()
    return agreeing / len(track_id)
