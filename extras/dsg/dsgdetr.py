"""DSG-DETR experiment: tracklet transformers against a per-frame model on synthetic video.

Clips come from :mod:`graphkit.extras.dsg.video`; their relations (approaching, leaving,
static) depend on the distance trend over several frames. Detections are grouped into
tracklets by the Hungarian tracker of :mod:`graphkit.extras.dsg.tracker`. Then the
per-frame model and DSG-DETR-mini of :mod:`graphkit.extras.dsg.models` are trained with
the same data, epochs and optimiser. Test metrics: object accuracy over the detections
of real objects, relation Recall@1 over every ground-truth (frame, object) relation
(each pair has one relation, so Recall@1 counts a hit when the top-1 relation of the
detected pair is the true one, and a missed detection is a miss), and track purity.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import torch
from graphkit.extras.common.train import seed_everything
from graphkit.extras.dsg.models import DSGDETRMini, PerFrameModel
from graphkit.extras.dsg.tracker import track, track_purity
from graphkit.extras.dsg.video import RELATION_NAMES, Clip, VideoConfig, VideoGenerator
from graphkit.extras.registry import Criterion, at_least, register
from torch import nn

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """DSG-DETR run settings.

    Attributes:
        train_clips, test_clips: clips generated for training and testing.
        frames: frames per clip.
        epochs: training epochs of each model.
        batch_clips: clips per optimisation step.
        lr: Adam learning rate.
        dim: model width.
        seed: seed of data, initialisation and batching.
    """

    train_clips: int = 160
    test_clips: int = 80
    frames: int = 24
    epochs: int = 30
    batch_clips: int = 8
    lr: float = 2e-3
    dim: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("train_clips", "test_clips", "epochs", "batch_clips", "dim"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 8 <= self.frames <= 64:
            raise ValueError(
                f"frames must lie in 8..64 (the relation window needs 7), "
                f"got {self.frames}"
            )
        if self.dim % 4:
            raise ValueError(f"dim must be a multiple of 4, got {self.dim}")
        if not 0 < self.lr < math.inf:
            # inf passes a > 0 check but turns the weights into inf and NaN.
            raise ValueError(f"lr must be positive and finite, got {self.lr}")

    @classmethod
    def smoke(cls) -> Config:
        return cls(train_clips=16, test_clips=8, epochs=2, frames=16)


def _padded(
    groups: list[list[int]], width: int, positions: list[list[int]] | None
) -> np.ndarray:
    matrix = np.full((len(groups), width), -1, dtype=np.int64)
    for g, members in enumerate(groups):
        columns = positions[g] if positions is not None else range(len(members))
        matrix[g, list(columns)] = members
    return matrix


def clip_tensors(
    clip: Clip, track_id: np.ndarray, frames: int
) -> dict[str, np.ndarray]:
    """Build the per-clip arrays the models read (rows, pairs and their groups)."""
    human_row = {int(clip.frame[r]): r for r in np.flatnonzero(clip.is_human)}
    objects = np.flatnonzero(~clip.is_human)
    subject = np.array([human_row[int(clip.frame[o])] for o in objects], dtype=np.int64)
    tracks = [np.flatnonzero(track_id == k) for k in np.unique(track_id)]
    by_frame = [np.flatnonzero(clip.frame[objects] == t) for t in range(frames)]
    by_frame = [f for f in by_frame if len(f)]
    pair_track = track_id[objects]
    pair_groups = [np.flatnonzero(pair_track == k) for k in np.unique(pair_track)]
    return {
        "feature": clip.feature,
        "class_dist": clip.class_dist,
        "box": clip.box,
        "label": clip.label,
        "subject": subject,
        "object": objects.astype(np.int64),
        "relation": clip.relation[objects],
        "tracklets": _padded(
            [list(t) for t in tracks], frames, [list(clip.frame[t]) for t in tracks]
        ),
        "frame_pairs": _padded(
            [list(f) for f in by_frame], max(map(len, by_frame)), None
        ),
        "pair_tracklets": _padded(
            [list(p) for p in pair_groups],
            frames,
            [list(clip.frame[objects[p]]) for p in pair_groups],
        ),
    }


def collate(items: list[dict[str, np.ndarray]]) -> dict[str, torch.Tensor]:
    """Concatenate clips, shifting row ids and padding group matrices to one width."""
    batch: dict[str, list] = {key: [] for key in items[0]}
    rows = pairs = 0
    for item in items:
        for key in ("feature", "class_dist", "box", "label", "relation"):
            batch[key].append(item[key])
        batch["subject"].append(item["subject"] + rows)
        batch["object"].append(item["object"] + rows)
        for key, shift in (
            ("tracklets", rows),
            ("frame_pairs", pairs),
            ("pair_tracklets", pairs),
        ):
            batch[key].append(np.where(item[key] >= 0, item[key] + shift, -1))
        rows += len(item["feature"])
        pairs += len(item["object"])
    out = {}
    for key, parts in batch.items():
        if parts[0].ndim == 2 and parts[0].dtype == np.int64:
            width = max(p.shape[1] for p in parts)
            parts = [
                np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values=-1)
                for p in parts
            ]
        out[key] = torch.from_numpy(np.concatenate(parts))
    return out


def make_data(config: Config) -> tuple[list[dict], list[dict], float, list[Clip]]:
    """Generate, track and tensorise the train and test clips; return test purity too."""
    generator = VideoGenerator(VideoConfig(frames=config.frames), seed=config.seed)
    clips = [generator.clip() for _ in range(config.train_clips + config.test_clips)]
    items, purities, sizes = [], [], []
    for clip in clips:
        track_id = track(clip.frame, clip.box, clip.feature, clip.class_dist)
        items.append(clip_tensors(clip, track_id, config.frames))
        purities.append(track_purity(track_id, clip.instance))
        sizes.append(len(track_id))
    test = slice(config.train_clips, None)
    purity = float(np.average(purities[test], weights=sizes[test]))
    return items[: config.train_clips], items[test], purity, clips[test]


def train(model: nn.Module, items: list[dict], config: Config) -> list[float]:
    """Train on object and relation cross-entropy; return the mean loss per epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.epochs)
    generator = torch.Generator().manual_seed(config.seed)
    history = []
    for epoch in range(config.epochs):
        model.train()
        losses = []
        for chunk in torch.randperm(len(items), generator=generator).split(
            config.batch_clips
        ):
            batch = collate([items[i] for i in chunk.tolist()])
            object_logits, relation_logits = model(batch)
            real, related = batch["label"] >= 0, batch["relation"] >= 0
            loss = nn.functional.cross_entropy(
                object_logits[real], batch["label"][real]
            )
            loss = loss + nn.functional.cross_entropy(
                relation_logits[related], batch["relation"][related]
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        history.append(float(np.mean(losses)))
        logger.debug("%s epoch %d loss %.4f", type(model).__name__, epoch, history[-1])
    return history


@torch.no_grad()
def evaluate(
    model: nn.Module, items: list[dict], clips: list[Clip]
) -> dict[str, float]:
    """Return object accuracy and relation Recall@1 on the test clips."""
    model.eval()
    batch = collate(items)
    object_logits, relation_logits = model(batch)
    real, related = batch["label"] >= 0, batch["relation"] >= 0
    correct_objects = (object_logits.argmax(1) == batch["label"])[real]
    hits = (relation_logits.argmax(1) == batch["relation"])[related]
    ground_truth = sum(c.num_relations for c in clips)
    return {
        "object_accuracy": float(correct_objects.float().mean()),
        "relation_recall_at_1": float(hits.sum()) / ground_truth,
        "relation_accuracy_detected": float(hits.float().mean()),
    }


@register(
    "dsgdetr",
    "Exploiting Long-Term Dependencies for Generating Dynamic Scene Graphs",
    "Hungarian tracklets + temporal transformers against a per-frame model on synthetic video",
    13,
)
def run(config: Config) -> dict[str, float]:
    """Train both models on the same clips; return their test metrics and track purity."""
    seed_everything(config.seed)
    train_items, test_items, purity, test_clips = make_data(config)
    sizes = {
        "feature_dim": train_items[0]["feature"].shape[1],
        "num_classes": train_items[0]["class_dist"].shape[1],
        "num_relations": len(RELATION_NAMES),
    }
    metrics = {"track_purity": purity}
    for name, cls in (("per_frame", PerFrameModel), ("dsgdetr", DSGDETRMini)):
        seed_everything(config.seed)
        model = cls(**sizes, dim=config.dim)
        losses = train(model, train_items, config)
        result = evaluate(model, test_items, test_clips)
        logger.info("%s: final loss %.4f, %s", name, losses[-1], result)
        metrics.update({f"{name}_{key}": value for key, value in result.items()})
    metrics["object_accuracy_gain_points"] = 100 * (
        metrics["dsgdetr_object_accuracy"] - metrics["per_frame_object_accuracy"]
    )
    metrics["relation_recall_gain_points"] = 100 * (
        metrics["dsgdetr_relation_recall_at_1"]
        - metrics["per_frame_relation_recall_at_1"]
    )
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Return the pass criteria: purity >= 0.9, +10 points objects, +15 points relations."""
    return [
        at_least("track_purity", metrics["track_purity"], 0.9),
        at_least(
            "object_accuracy_gain_points", metrics["object_accuracy_gain_points"], 10.0
        ),
        at_least(
            "relation_recall_gain_points", metrics["relation_recall_gain_points"], 15.0
        ),
    ]
