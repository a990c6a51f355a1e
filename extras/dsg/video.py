"""Synthetic videos for dynamic scene graphs whose relations are readable only over time.

Each clip has one human and 2 to 4 objects of ``num_classes`` classes on smooth
trajectories. An object's distance d(t) to the human follows segments of approach,
retreat and rest, and its relation label at frame t is the sign of the distance trend
over a window of +-``window`` frames:

.. math::
    r_t = \\begin{cases} \\text{approaching} & d_{t+w} - d_{t-w} < -\\epsilon \\\\
    \\text{leaving} & d_{t+w} - d_{t-w} > \\epsilon \\\\
    \\text{static} & \\text{otherwise} \\end{cases}

(the window is clipped at the clip ends). One frame shows positions but not the trend,
so a per-frame model can only guess it.

Per-frame detections imitate a detector. The box is the true box plus Gaussian noise.
The first half of the feature is a class prototype plus heavy noise, and the second
half is an instance appearance code plus light noise, so one frame identifies the
instance better than the class. The class distribution is the softmax of a noisy
one-hot logit. A fraction of detections is dropped, and each frame gains distractor
detections of random class and appearance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

APPROACHING, LEAVING, STATIC = 0, 1, 2
RELATION_NAMES = ("approaching", "leaving", "static")


@dataclass(frozen=True)
class VideoConfig:
    """Generator settings; see the module docstring for the model.

    Attributes:
        frames: frames per clip.
        num_classes: object classes (the human is not one of them).
        feature_dim: detection feature size.
        prototype_norm, appearance_norm: norms of the class prototype and of the
            instance code (each fills one half of the feature).
        feature_noise, appearance_noise: per-dimension noise standard deviations of
            the prototype half and of the code half.
        logit_signal, logit_noise: one-hot logit scale and its Gaussian noise.
        box_noise: standard deviation of the box coordinates (image size 1).
        speed: change of distance per frame while approaching or leaving.
        window, trend_threshold: relation window half-width and trend threshold.
        drop_rate: probability that a detection is missing.
        distractors: distractor detections per frame.
    """

    frames: int = 24
    num_classes: int = 8
    feature_dim: int = 32
    prototype_norm: float = 1.0
    appearance_norm: float = 3.0
    feature_noise: float = 0.7
    appearance_noise: float = 0.3
    logit_signal: float = 1.5
    logit_noise: float = 1.5
    box_noise: float = 0.01
    speed: float = 0.02
    window: int = 3
    trend_threshold: float = 0.03
    drop_rate: float = 0.1
    distractors: int = 1


@dataclass
class Clip:
    """Detections of one clip, one row per detection (D rows).

    Attributes:
        frame (D,) int, box (D, 4) ``[cx, cy, w, h]``, feature (D, F), class_dist (D, C),
        is_human (D,) bool, instance (D,) int (-1 for distractors; 0 is the human),
        label (D,) int object class (-1 for the human and distractors), relation (D,)
        int relation of the object to the human in that frame (-1 where undefined),
        num_relations: ground-truth (frame, object) relations including dropped ones.
    """

    frame: np.ndarray
    box: np.ndarray
    feature: np.ndarray
    class_dist: np.ndarray
    is_human: np.ndarray
    instance: np.ndarray
    label: np.ndarray
    relation: np.ndarray
    num_relations: int


def relation_labels(distance: np.ndarray, window: int, threshold: float) -> np.ndarray:
    """Label each frame by the distance trend over +-``window`` frames (see module doc)."""
    frames = len(distance)
    labels = np.full(frames, STATIC)
    for t in range(frames):
        change = distance[min(frames - 1, t + window)] - distance[max(0, t - window)]
        if change < -threshold:
            labels[t] = APPROACHING
        elif change > threshold:
            labels[t] = LEAVING
    return labels


def _distance_track(rng: np.random.Generator, config: VideoConfig) -> np.ndarray:
    distance = np.empty(config.frames)
    distance[0] = rng.uniform(0.12, 0.4)
    mode, left = rng.integers(3), rng.integers(4, 10)
    for t in range(1, config.frames):
        if left == 0:
            mode, left = rng.integers(3), rng.integers(4, 10)
        step = {APPROACHING: -1.0, LEAVING: 1.0, STATIC: 0.0}[int(mode)] * config.speed
        nxt = distance[t - 1] + step
        if not 0.08 <= nxt <= 0.45:
            mode, nxt = STATIC, distance[t - 1]
        distance[t] = nxt
        left -= 1
    return distance


def _renormalize(dist: np.ndarray) -> np.ndarray:
    """Restrict class distributions to the object classes (drop the human column)."""
    return (dist / dist.sum(1, keepdims=True)).astype(np.float32)


class VideoGenerator:
    """Draws clips with fixed class prototypes and box sizes (one set per seed)."""

    def __init__(self, config: VideoConfig, seed: int):
        self.config = config
        self.rng = np.random.default_rng(seed)
        protos = self.rng.normal(size=(config.num_classes + 1, config.feature_dim // 2))
        norms = np.linalg.norm(protos, axis=1, keepdims=True)
        self.prototypes = protos / norms * config.prototype_norm
        self.sizes = self.rng.uniform(0.05, 0.12, size=(config.num_classes + 1, 2))
        self.sizes[0] = (0.15, 0.3)  # the human

    def _detection(
        self, cls: int, code: np.ndarray, centre: np.ndarray, size: np.ndarray
    ):
        config, rng = self.config, self.rng
        box = np.concatenate([centre, size]) + rng.normal(0, config.box_noise, 4)
        box[2:] = np.maximum(box[2:], 0.01)
        half = config.feature_dim // 2
        feature = np.concatenate(
            [
                self.prototypes[cls] + rng.normal(0, config.feature_noise, half),
                code
                + rng.normal(0, config.appearance_noise, config.feature_dim - half),
            ]
        )
        logits = np.zeros(config.num_classes + 1)
        logits[cls] = config.logit_signal
        logits += rng.normal(0, config.logit_noise, len(logits))
        dist = np.exp(logits - logits.max())
        return box, feature, dist / dist.sum()

    def _code(self) -> np.ndarray:
        code = self.rng.normal(
            size=self.config.feature_dim - self.config.feature_dim // 2
        )
        return code / np.linalg.norm(code) * self.config.appearance_norm

    def clip(self) -> Clip:
        """Draw one clip."""
        config, rng = self.config, self.rng
        count = int(rng.integers(2, 5))
        classes = rng.integers(1, config.num_classes + 1, size=count)
        codes = [self._code() for _ in range(count + 1)]
        human = np.cumsum(rng.normal(0, 0.005, (config.frames, 2)), 0) + rng.uniform(
            0.35, 0.65, 2
        )
        distances = [_distance_track(rng, config) for _ in range(count)]
        angles = [
            rng.uniform(0, 2 * math.pi) + np.cumsum(rng.normal(0, 0.03, config.frames))
            for _ in range(count)
        ]
        relations = [
            relation_labels(d, config.window, config.trend_threshold) for d in distances
        ]
        rows = []
        for t in range(config.frames):
            rows.append(
                (t, 0, 0, -1, self._detection(0, codes[0], human[t], self.sizes[0]))
            )
            for k in range(count):
                if rng.random() < config.drop_rate:
                    continue
                offset = distances[k][t] * np.array(
                    [math.cos(angles[k][t]), math.sin(angles[k][t])]
                )
                det = self._detection(
                    int(classes[k]),
                    codes[k + 1],
                    human[t] + offset,
                    self.sizes[classes[k]],
                )
                rows.append((t, k + 1, int(classes[k]), int(relations[k][t]), det))
            for _ in range(config.distractors):
                cls = int(rng.integers(1, config.num_classes + 1))
                det = self._detection(
                    cls, self._code(), rng.uniform(0.1, 0.9, 2), self.sizes[cls]
                )
                rows.append((t, -1, -1, -1, det))
        return Clip(
            frame=np.array([r[0] for r in rows]),
            box=np.stack([r[4][0] for r in rows]).astype(np.float32),
            feature=np.stack([r[4][1] for r in rows]).astype(np.float32),
            class_dist=_renormalize(np.stack([r[4][2][1:] for r in rows])),
            is_human=np.array([r[1] == 0 for r in rows]),
            instance=np.array([r[1] for r in rows]),
            label=np.array([r[2] - 1 if r[1] > 0 else -1 for r in rows]),
            relation=np.array([r[3] for r in rows]),
            num_relations=count * config.frames,
        )
