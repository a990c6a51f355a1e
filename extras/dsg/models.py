"""Per-frame baseline and DSG-DETR-mini for object classes and human-object relations.

Both models embed a detection as
``Linear([W_f f ; E^T p ; MLP(b)])`` with feature f, class distribution p (weighting
the class embedding table E) and box b. A relation pair (human h, object o, frame t) is
``Linear([z_h ; z_o ; s(b_h, b_o)])`` with the spatial code s = both boxes, the centre
offset and its length.

The per-frame model classifies each detection and each pair on its own. DSG-DETR-mini
(after Feng et al., WACV 2023) refines each detection with a transformer encoder over
its tracklet (sinusoidal position code of the frame index), and each pair with a
spatial encoder over the pairs of its frame followed by a temporal encoder over the
pair's sequence through the clip (pairs grouped by the object's tracklet).

Grouped inputs are index matrices (G, L) of row ids, padded with -1; every row appears
in exactly one group.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_encoding(length: int, dim: int) -> torch.Tensor:
    """Return the (length, dim) sine/cosine position code of Vaswani et al. (2017)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    rate = torch.exp(
        torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim)
    )
    code = torch.zeros(length, dim)
    code[:, 0::2] = torch.sin(position * rate)
    code[:, 1::2] = torch.cos(position * rate)
    return code


def _encoder(dim: int, layers: int, heads: int) -> nn.TransformerEncoder:
    # Pre-norm layers train reliably here without warm-up; post-norm ones stalled on
    # the relation task at the same learning rate.
    layer = nn.TransformerEncoderLayer(
        dim, heads, 2 * dim, dropout=0.0, batch_first=True, norm_first=True
    )
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


def run_grouped(
    encoder: nn.Module,
    x: torch.Tensor,
    groups: torch.Tensor,
    position: torch.Tensor | None,
) -> torch.Tensor:
    """Apply ``encoder`` to the rows of ``x`` gathered by ``groups``; scatter them back.

    Args:
        encoder: a batch-first transformer encoder.
        x (torch.Tensor): (N, d) row embeddings.
        groups (torch.Tensor): (G, L) row ids, -1 for padding.
        position (torch.Tensor, optional): (L, d) position code added by column.
    """
    result = torch.empty_like(x)
    code = (
        position if position is not None else x.new_zeros(groups.shape[1], x.shape[1])
    )
    lengths = (groups >= 0).sum(1)
    single = groups[lengths == 1]
    if len(single):
        # One-element groups (distractors, one-frame tracks) run as a (G1, 1) batch so
        # they do not pay for padding to the longest group.
        rows, columns = torch.nonzero(single >= 0, as_tuple=True)
        ids = single[rows, columns]
        result[ids] = encoder((x[ids] + code[columns])[:, None, :])[:, 0]
    multi = groups[lengths > 1]
    if len(multi):
        pad = multi < 0
        gathered = x[multi.clamp(min=0)] + code[: multi.shape[1]]
        out = encoder(gathered, src_key_padding_mask=pad)
        result[multi[~pad]] = out[~pad]
    return result


class DetectionEmbedding(nn.Module):
    """Embed feature, class distribution and box of each detection (module doc)."""

    def __init__(self, feature_dim: int, num_classes: int, dim: int):
        super().__init__()
        self.feature = nn.Linear(feature_dim, dim // 2)
        self.classes = nn.Parameter(torch.randn(num_classes, dim // 4) * 0.1)
        self.box = nn.Sequential(nn.Linear(4, dim // 4), nn.ReLU())
        self.out = nn.Sequential(nn.Linear(dim, dim), nn.ReLU())

    def forward(self, feature, class_dist, box):
        parts = [self.feature(feature), class_dist @ self.classes, self.box(box)]
        return self.out(torch.cat(parts, dim=1))


def spatial_code(subject_box: torch.Tensor, object_box: torch.Tensor) -> torch.Tensor:
    """Return (P, 11): both ``[cx, cy, w, h]`` boxes, the centre offset and its length."""
    offset = object_box[:, :2] - subject_box[:, :2]
    return torch.cat(
        [subject_box, object_box, offset, offset.norm(dim=1, keepdim=True)], 1
    )


class PairEmbedding(nn.Module):
    """Embed a (human, object) pair from both detection embeddings and the boxes."""

    def __init__(self, dim: int):
        super().__init__()
        self.spatial = nn.Sequential(nn.Linear(11, dim), nn.ReLU())
        self.net = nn.Sequential(
            nn.Linear(3 * dim, dim), nn.ReLU(), nn.Linear(dim, dim)
        )

    def forward(self, z, box, subject, obj):
        # Boxes are in image units (about 0.01 to 1); the factor 10 brings the spatial
        # code to the scale of the detection embeddings.
        spatial = self.spatial(10.0 * spatial_code(box[subject], box[obj]))
        return self.net(torch.cat([z[subject], z[obj], spatial], 1))


def _head(dim: int, out: int) -> nn.Module:
    return nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, out))


class PerFrameModel(nn.Module):
    """Baseline: every detection and every pair classified from its own frame only."""

    def __init__(
        self, feature_dim: int, num_classes: int, num_relations: int, dim: int = 64
    ):
        super().__init__()
        self.embed = DetectionEmbedding(feature_dim, num_classes, dim)
        self.pair = PairEmbedding(dim)
        self.object_head = _head(dim, num_classes)
        self.relation_head = _head(dim, num_relations)

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.embed(batch["feature"], batch["class_dist"], batch["box"])
        pair = self.pair(z, batch["box"], batch["subject"], batch["object"])
        return self.object_head(z), self.relation_head(pair)


class DSGDETRMini(nn.Module):
    """Tracklet-level object transformer and spatial-then-temporal relation transformer.

    Args:
        feature_dim, num_classes, num_relations (int): input and output sizes.
        dim (int, default 64): model width.
        object_layers (int, default 2): layers of the tracklet encoder.
        spatial_layers, temporal_layers (int, default 1 and 2): relation encoders.
        heads (int, default 4): attention heads.
        max_frames (int, default 64): longest clip the position code covers.
    """

    def __init__(
        self,
        feature_dim: int,
        num_classes: int,
        num_relations: int,
        dim: int = 64,
        object_layers: int = 2,
        spatial_layers: int = 1,
        temporal_layers: int = 2,
        heads: int = 4,
        max_frames: int = 64,
    ):
        super().__init__()
        self.embed = DetectionEmbedding(feature_dim, num_classes, dim)
        self.object_encoder = _encoder(dim, object_layers, heads)
        self.pair = PairEmbedding(dim)
        self.spatial_encoder = _encoder(dim, spatial_layers, heads)
        self.temporal_encoder = _encoder(dim, temporal_layers, heads)
        self.object_head = _head(dim, num_classes)
        self.relation_head = _head(dim, num_relations)
        self.register_buffer(
            "position", sinusoidal_encoding(max_frames, dim), persistent=False
        )

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.embed(batch["feature"], batch["class_dist"], batch["box"])
        z = run_grouped(self.object_encoder, z, batch["tracklets"], self.position)
        pair = self.pair(z, batch["box"], batch["subject"], batch["object"])
        pair = run_grouped(self.spatial_encoder, pair, batch["frame_pairs"], None)
        pair = run_grouped(
            self.temporal_encoder, pair, batch["pair_tracklets"], self.position
        )
        return self.object_head(z), self.relation_head(pair)
