"""Baseline legal floorplanner: greedy candidate-corner packing plus reinsertion search.

The placer never produces an overlap, so every layout it returns meets the hard
constraints of the contest: preplaced blocks stay at their reference position and
shape, fixed-shape blocks keep their reference shape (translated only), and each soft
block is a rectangle of exactly its target area whose aspect ratio is chosen from
``aspect_ratios``.

Construction places blocks one at a time, most-connected first. A block's candidate
positions are the corners next to every placed rectangle (to its right, left, top and
bottom, flush with either end) and the same positions pushed onto the sides of a target
outline. The outline has the total block area and the aspect ratio of the pin extent,
because the pins lie on or just outside the outline of the reference designs. Each
overlap-free candidate gets the surrogate cost

.. math::
    s = \\frac{\\Delta\\mathrm{HPWL}}{\\hat H} + \\frac{A(\\mathrm{bbox} \\cup
        \\mathrm{outline})}{\\hat A} + \\lambda_b d_{boundary} + \\lambda_g [\\text{no
        cluster neighbour}]

where Delta HPWL counts the nets to placed blocks and pins, H-hat and A-hat are scale
estimates of the reference wire length and area, d_boundary is the distance to the
outline sides the block's boundary code names, and the last term charges a cluster
member that does not abut any placed member of its cluster. MIB members copy the shape
of the first placed member when their areas agree. The search then removes each movable
block in turn and reinserts it at its best candidate (the current position included),
so the surrogate never increases.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import (
    BOUNDARY_BOTTOM,
    BOUNDARY_LEFT,
    BOUNDARY_RIGHT,
    BOUNDARY_TOP,
    FloorplanCase,
)

logger = logging.getLogger(__name__)


@dataclass
class PlacerConfig:
    """Settings of the baseline placer.

    Attributes:
        aspect_ratios: width/height ratios tried for soft blocks.
        search_passes: reinsertion passes over all movable blocks after construction.
        boundary_weight: surrogate cost of a boundary block one outline side away.
        cluster_weight: surrogate cost of a cluster member with no placed neighbour.
        seed: seed of the reinsertion order.
    """

    aspect_ratios: tuple[float, ...] = (0.5, 0.75, 1.0, 1.33, 2.0)
    search_passes: int = 2
    boundary_weight: float = 0.15
    cluster_weight: float = 0.15
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.aspect_ratios or min(self.aspect_ratios) <= 0:
            raise ValueError(
                f"aspect_ratios must be positive, got {self.aspect_ratios}"
            )
        if self.search_passes < 0:
            raise ValueError(f"search_passes must be >= 0, got {self.search_passes}")


class _State:
    """Placed rectangles, block centroids and the scale estimates of one case."""

    def __init__(self, case: FloorplanCase):
        self.case = case
        n = case.num_blocks
        self.layout: list[np.ndarray | None] = [None] * n
        self.centroid = np.zeros((n, 2))
        total = float(np.sum(case.area_target))
        span = np.ptp(case.pins, axis=0) if len(case.pins) > 1 else np.ones(2)
        ratio = span[0] / span[1] if span.min() > 0 else 1.0
        origin = case.pins.min(0) if len(case.pins) else np.zeros(2)
        width, height = math.sqrt(total * ratio), math.sqrt(total / ratio)
        self.outline = np.array(
            [origin[0], origin[1], origin[0] + width, origin[1] + height]
        )
        self.area_scale = total
        weights = np.concatenate([case.b2b[:, 2], case.p2b[:, 2]])
        self.wire_scale = max(float(weights.sum()) * 0.15 * (width + height), 1e-9)
        self.neighbours = self._adjacency(n)

    def _adjacency(self, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        rows = [[] for _ in range(n)]
        for i, j, w in self.case.b2b:
            rows[int(i)].append((int(j), w))
            rows[int(j)].append((int(i), w))
        return [
            (np.array([j for j, _ in r], dtype=int), np.array([w for _, w in r]))
            for r in rows
        ]

    def placed_rects(self, skip: int = -1) -> np.ndarray:
        parts = [r for b, r in enumerate(self.layout) if r is not None and b != skip]
        return np.concatenate(parts) if parts else np.zeros((0, 4))

    def set(self, block: int, rects: np.ndarray | None) -> None:
        self.layout[block] = rects
        if rects is not None:
            self.centroid[block] = geometry.rects_centroid(rects)


def _shape_options(
    case: FloorplanCase, block: int, state: _State, config: PlacerConfig
):
    """Return the shapes (rectangles at the origin) that ``block`` may take."""
    if case.fixed[block]:
        return [
            geometry.normalized_shape(geometry.polygon_to_rects(case.reference[block]))
        ]
    area = float(case.area_target[block])
    group = case.mib[block]
    if group > 0:
        for other in np.flatnonzero(case.mib == group):
            rects = state.layout[other]
            if rects is not None and math.isclose(
                case.area_target[other], area, rel_tol=1e-6
            ):
                return [geometry.normalized_shape(rects)]
    return [
        geometry.rectangle(0.0, 0.0, math.sqrt(area * r), math.sqrt(area / r))
        for r in config.aspect_ratios
    ]


def _candidate_origins(placed: np.ndarray, w: float, h: float, outline: np.ndarray):
    """Return (m, 2) lower-left corners touching placed rectangles or the outline."""
    x0, y0, x1, y1 = placed.T if len(placed) else (np.zeros(0),) * 4
    xs = np.concatenate([x1, x1, x0 - w, x0 - w, x0, x1 - w, x0, x1 - w])
    ys = np.concatenate([y0, y1 - h, y0, y1 - h, y1, y1, y0 - h, y0 - h])
    ox0, oy0, ox1, oy1 = outline
    anchor_x = np.concatenate([x1, x0 - w, x0, x1 - w])
    anchor_y = np.concatenate([y1, y0 - h, y0, y1 - h])
    xs = np.concatenate(
        [xs, np.full_like(anchor_y, ox0), np.full_like(anchor_y, ox1 - w)]
    )
    ys = np.concatenate([ys, anchor_y, anchor_y])
    xs = np.concatenate([xs, anchor_x, anchor_x, [ox0, ox1 - w, ox0, ox1 - w]])
    ys = np.concatenate(
        [ys, np.full_like(anchor_x, oy0), np.full_like(anchor_x, oy1 - h)]
    )
    ys = np.concatenate([ys, [oy0, oy0, oy1 - h, oy1 - h]])
    return np.unique(np.round(np.stack([xs, ys], 1), 9), axis=0)


def _free(origins: np.ndarray, shape: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Return a mask of the origins where ``shape`` overlaps no placed rectangle."""
    if len(placed) == 0:
        return np.ones(len(origins), dtype=bool)
    free = np.ones(len(origins), dtype=bool)
    tol = geometry.OVERLAP_TOLERANCE
    for rx0, ry0, rx1, ry1 in shape:
        ax0, ay0 = origins[:, 0:1] + rx0, origins[:, 1:2] + ry0
        ax1, ay1 = origins[:, 0:1] + rx1, origins[:, 1:2] + ry1
        dx = np.minimum(ax1, placed[None, :, 2]) - np.maximum(ax0, placed[None, :, 0])
        dy = np.minimum(ay1, placed[None, :, 3]) - np.maximum(ay0, placed[None, :, 1])
        free &= ~np.any((dx > tol) & (dy > tol), axis=1)
    return free


def _surrogate(
    state: _State,
    block: int,
    origins: np.ndarray,
    shape: np.ndarray,
    placed: np.ndarray,
    config: PlacerConfig,
) -> np.ndarray:
    """Return the surrogate cost of putting ``shape`` at each origin (see module doc)."""
    case = state.case
    centre = origins + geometry.rects_centroid(shape)
    wire = np.zeros(len(origins))
    others, weights = state.neighbours[block]
    if len(others):
        keep = np.array([state.layout[j] is not None for j in others], dtype=bool)
        if keep.any():
            targets = state.centroid[others[keep]]
            wire += (
                np.abs(centre[:, None] - targets[None]).sum(2) * weights[keep]
            ).sum(1)
    pin_rows = case.p2b[case.p2b[:, 1].astype(int) == block]
    if len(pin_rows):
        pins = case.pins[pin_rows[:, 0].astype(int)]
        wire += (np.abs(centre[:, None] - pins[None]).sum(2) * pin_rows[:, 2]).sum(1)
    extent = geometry.rects_extent(shape)
    box = np.concatenate([origins + extent[:2], origins + extent[2:]], axis=1)
    bound = (
        state.outline
        if len(placed) == 0
        else np.concatenate(
            [
                np.minimum(state.outline[:2], placed[:, :2].min(0)),
                np.maximum(state.outline[2:], placed[:, 2:].max(0)),
            ]
        )
    )
    lo, hi = np.minimum(box[:, :2], bound[:2]), np.maximum(box[:, 2:], bound[2:])
    score = wire / state.wire_scale + np.prod(hi - lo, axis=1) / state.area_scale
    code = int(case.boundary[block])
    if code:
        side = math.sqrt(state.area_scale)
        gaps = {
            BOUNDARY_LEFT: box[:, 0] - lo[:, 0],
            BOUNDARY_RIGHT: hi[:, 0] - box[:, 2],
            BOUNDARY_TOP: hi[:, 1] - box[:, 3],
            BOUNDARY_BOTTOM: box[:, 1] - lo[:, 1],
        }
        for bit, gap in gaps.items():
            if code & bit:
                score += config.boundary_weight * np.minimum(1.0, 10 * gap / side)
    if case.cluster[block] > 0:
        score += config.cluster_weight * ~_touches_group(state, block, box)
    return score


def _touches_group(state: _State, block: int, box: np.ndarray) -> np.ndarray:
    """Return whether each candidate box shares an edge with a placed cluster member."""
    group = state.case.cluster[block]
    members = [
        state.layout[m]
        for m in np.flatnonzero(state.case.cluster == group)
        if m != block and state.layout[m] is not None
    ]
    if not members:
        return np.ones(len(box), dtype=bool)
    rects = np.concatenate(members)
    tol = 1e-6
    dx = np.minimum(box[:, None, 2], rects[None, :, 2]) - np.maximum(
        box[:, None, 0], rects[None, :, 0]
    )
    dy = np.minimum(box[:, None, 3], rects[None, :, 3]) - np.maximum(
        box[:, None, 1], rects[None, :, 1]
    )
    side_x = (np.abs(box[:, None, 2] - rects[None, :, 0]) < tol) | (
        np.abs(box[:, None, 0] - rects[None, :, 2]) < tol
    )
    side_y = (np.abs(box[:, None, 3] - rects[None, :, 1]) < tol) | (
        np.abs(box[:, None, 1] - rects[None, :, 3]) < tol
    )
    return np.any((side_x & (dy > tol)) | (side_y & (dx > tol)), axis=1)


def _best_position(
    state: _State, block: int, config: PlacerConfig
) -> tuple[np.ndarray, float]:
    """Return the lowest-surrogate overlap-free rectangles for ``block`` and their cost."""
    placed = state.placed_rects(skip=block)
    best, best_score = None, math.inf
    current = state.layout[block]
    for shape in _shape_options(state.case, block, state, config):
        extent = geometry.rects_extent(shape)
        origins = _candidate_origins(placed, extent[2], extent[3], state.outline)
        origins = origins[_free(origins, shape, placed)]
        if current is not None and shape.shape == current.shape:
            here = geometry.rects_extent(current)[:2]
            if geometry.same_shape(shape, current, 1e-9, True):
                origins = np.vstack([origins, here])
        if len(origins) == 0:
            continue
        scores = _surrogate(state, block, origins, shape, placed, config)
        pick = int(np.argmin(scores))
        if scores[pick] < best_score:
            best_score = float(scores[pick])
            best = shape + np.tile(origins[pick], 2)
    if best is None:
        raise RuntimeError(
            f"{state.case.name}: no overlap-free position for block {block}"
        )
    return best, best_score


def _placement_order(state: _State) -> list[int]:
    """Order movable blocks: most connected to the placed set first, clusters together."""
    case = state.case
    remaining = set(np.flatnonzero(~case.preplaced).tolist())
    pin_weight = np.zeros(case.num_blocks)
    np.add.at(pin_weight, case.p2b[:, 1].astype(int), case.p2b[:, 2])
    pull = pin_weight + case.area_target / case.area_target.sum() * 1e-3
    for b in np.flatnonzero(case.preplaced):
        others, weights = state.neighbours[b]
        np.add.at(pull, others, weights)
    order = []
    while remaining:
        block = max(remaining, key=lambda b: pull[b])
        order.append(block)
        remaining.discard(block)
        others, weights = state.neighbours[block]
        np.add.at(pull, others, weights)
        if case.cluster[block] > 0:
            pull[case.cluster == case.cluster[block]] += 1e6
    return order


def place(case: FloorplanCase, config: PlacerConfig | None = None) -> list[np.ndarray]:
    """Place every block of ``case`` without overlap; return one rectangle array per block.

    Args:
        case (FloorplanCase): areas, constraints, nets and, for fixed-shape and
            preplaced blocks, the reference shapes the contest hands to solvers.
        config (PlacerConfig, optional): placer settings; defaults when None.
    """
    config = config or PlacerConfig()
    state = _State(case)
    for b in np.flatnonzero(case.preplaced):
        state.set(b, geometry.polygon_to_rects(case.reference[b]))
    for block in _placement_order(state):
        rects, _ = _best_position(state, block, config)
        state.set(block, rects)
    rng = np.random.default_rng(config.seed)
    movable = np.flatnonzero(~case.preplaced)
    for _ in range(config.search_passes):
        for block in rng.permutation(movable):
            rects, _ = _best_position(state, int(block), config)
            state.set(int(block), rects)
    return [r for r in state.layout]


def random_placement(case: FloorplanCase, seed: int = 0) -> list[np.ndarray]:
    """Place square blocks uniformly at random in a square of twice the total-area side."""
    rng = np.random.default_rng(seed)
    side = 2.0 * math.sqrt(float(np.sum(case.area_target)))
    layout = []
    for area in case.area_target:
        w = math.sqrt(float(area))
        x, y = rng.uniform(0.0, side - w, size=2)
        layout.append(geometry.rectangle(x, y, w, w))
    return layout
