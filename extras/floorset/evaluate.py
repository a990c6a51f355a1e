"""FloorSet layout evaluator, ICCAD-2026 contest scoring as revised on 2026-04-19 (spec v9).

Hard constraints (any violation makes the layout infeasible, cost ``M = 10``):
no two blocks overlap (intersection above 1e-6 on both axes); every soft block's area
is within 1% of its target; fixed-shape blocks keep the reference shape exactly (up to
translation, tolerance 1e-4); preplaced blocks keep the reference shape and position.

Quality, against the reference layout of the label:

.. math::
    \\mathrm{HPWL} = \\sum_{(i,j,w) \\in b2b} w\\,\\|c_i - c_j\\|_1
        + \\sum_{(p,i,w) \\in p2b} w\\,\\|q_p - c_i\\|_1,\\qquad
    g_{wl} = \\frac{\\mathrm{HPWL} - (m_6 + m_7)}{m_6 + m_7},\\qquad
    g_{a} = \\frac{W H - m_0}{m_0}

with block centroids c_i, pin positions q_p, the bounding box W x H of all blocks and
the reference metrics m. Soft constraints give
``V_rel = (V_boundary + V_grouping + V_MIB) / N_soft`` with
``N_soft = #boundary blocks + sum_groups (|G| - 1) + sum_MIB (|M| - 1)``, and

.. math::
    \\mathrm{cost} = \\bigl(1 + 0.5(\\max(0, g_{wl}) + \\max(0, g_a))\\bigr)
        \\, e^{2 V_{rel}} \\, \\max(0.7, R^{0.3})

where R is the runtime over the median runtime (1 when runtime is not scored). The
total score over cases weights case i by ``exp(n_i) / sum_j exp(n_j)`` (n = blocks).

Blocks may be rectilinear polygons (Prime): centroids, areas and overlaps use their
slab decompositions (see :mod:`geometry`), so rectangles (Lite) are the special case
the contest code handles.
"""

from __future__ import annotations

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

INFEASIBLE_COST = 10.0
AREA_TOLERANCE = 0.01
SHAPE_TOLERANCE = 1e-4
ALPHA, BETA, GAMMA = 0.5, 2.0, 0.3
SCORING_VERSION = "ICCAD-2026 FloorSet contest, revision 2026-04-19 (spec v9)"


@dataclass
class Evaluation:
    """Scores of one layout. Counts are numbers of violating blocks, pairs or groups."""

    feasible: bool
    overlaps: int
    area_violations: int
    fixed_violations: int
    preplaced_violations: int
    boundary_violations: int
    grouping_violations: int
    mib_violations: int
    soft_total: int
    hpwl: float
    hpwl_gap: float
    bbox_area: float
    area_gap: float
    violations_relative: float
    cost: float


def layout_from_polygons(polygons: list[np.ndarray]) -> list[np.ndarray]:
    """Convert one polygon per block to the slab decompositions the evaluator uses."""
    return [geometry.polygon_to_rects(p) for p in polygons]


def layout_from_boxes(boxes: np.ndarray) -> list[np.ndarray]:
    """Convert an (n, 4) array of ``(x, y, w, h)`` rectangles to a layout."""
    return [geometry.rectangle(*row) for row in np.asarray(boxes, dtype=np.float64)]


def hpwl(case: FloorplanCase, centroids: np.ndarray) -> float:
    """Return the weighted centroid-to-centroid plus pin-to-centroid Manhattan length."""
    total = 0.0
    if len(case.b2b):
        i, j = case.b2b[:, 0].astype(int), case.b2b[:, 1].astype(int)
        total += float(
            np.sum(case.b2b[:, 2] * np.abs(centroids[i] - centroids[j]).sum(1))
        )
    if len(case.p2b):
        pin, block = case.p2b[:, 0].astype(int), case.p2b[:, 1].astype(int)
        distance = np.abs(case.pins[pin] - centroids[block]).sum(1)
        total += float(np.sum(case.p2b[:, 2] * distance))
    return total


def _components(members: list[int], pairs: set) -> int:
    parent = {m: m for m in members}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return len({find(m) for m in members})


def _groups(labels: np.ndarray) -> list[list[int]]:
    return [np.flatnonzero(labels == g).tolist() for g in np.unique(labels[labels > 0])]


def boundary_gaps(case: FloorplanCase, layout: list[np.ndarray]) -> dict[int, float]:
    """Return, per boundary block, its largest distance to a side its code requires.

    The code is a bit mask over the sides of the bounding box of all blocks: 1 left
    (min x), 2 right (max x), 4 top (max y), 8 bottom (min y). Corners set two bits.
    A gap of 0 means the block touches every side its code names.
    """
    extent = geometry.rects_extent(np.concatenate(layout))
    gaps = {}
    for b in np.flatnonzero(case.boundary > 0):
        box, code = geometry.rects_extent(layout[b]), int(case.boundary[b])
        sides = [
            (BOUNDARY_LEFT, box[0] - extent[0]),
            (BOUNDARY_RIGHT, extent[2] - box[2]),
            (BOUNDARY_TOP, extent[3] - box[3]),
            (BOUNDARY_BOTTOM, box[1] - extent[1]),
        ]
        gaps[int(b)] = max(
            (float(gap) for bit, gap in sides if code & bit), default=0.0
        )
    return gaps


def soft_violations(
    case: FloorplanCase, layout: list[np.ndarray]
) -> tuple[int, int, int, int]:
    """Count boundary, grouping and MIB violations and the normaliser ``N_soft``.

    A boundary block violates when its gap (see :func:`boundary_gaps`) exceeds 1e-4.
    A cluster group adds (connected components under edge abutment - 1). An MIB group
    adds (members - largest set of identically shaped members).
    """
    gaps = boundary_gaps(case, layout).values()
    boundary = sum(gap > SHAPE_TOLERANCE for gap in gaps)
    clusters, mibs = _groups(case.cluster), _groups(case.mib)
    grouping = 0
    if clusters:
        pairs = geometry.abutting_pairs(layout)
        grouping = sum(_components(g, pairs) - 1 for g in clusters)
    mib = 0
    for group in mibs:
        shapes = [geometry.normalized_shape(layout[b]) for b in group]
        largest = max(
            sum(geometry.same_shape(s, t, SHAPE_TOLERANCE, False) for t in shapes)
            for s in shapes
        )
        mib += len(group) - largest
    n_soft = int(np.sum(case.boundary > 0))
    n_soft += sum(len(g) - 1 for g in clusters) + sum(len(g) - 1 for g in mibs)
    return boundary, grouping, mib, n_soft


def hard_violations(
    case: FloorplanCase, layout: list[np.ndarray]
) -> tuple[int, int, int, int]:
    """Count overlapping pairs and area, fixed-shape and preplaced violations."""
    overlaps = len(geometry.overlapping_pairs(layout))
    area = fixed = preplaced = 0
    for b, rects in enumerate(layout):
        reference = geometry.polygon_to_rects(case.reference[b])
        if case.preplaced[b]:
            preplaced += not geometry.same_shape(
                rects, reference, SHAPE_TOLERANCE, False
            )
        elif case.fixed[b]:
            fixed += not geometry.same_shape(rects, reference, SHAPE_TOLERANCE, True)
        else:
            target = case.area_target[b]
            area += abs(geometry.rects_area(rects) - target) > AREA_TOLERANCE * target
    return overlaps, area, fixed, preplaced


def contest_cost(
    hpwl_gap: float, area_gap: float, v_rel: float, runtime_factor: float
) -> float:
    """Return the cost of a feasible layout (runtime_factor = runtime / median runtime)."""
    quality = 1.0 + ALPHA * (max(0.0, hpwl_gap) + max(0.0, area_gap))
    return (
        quality * math.exp(BETA * v_rel) * max(0.7, max(runtime_factor, 0.01) ** GAMMA)
    )


def evaluate(
    case: FloorplanCase, layout: list[np.ndarray], runtime_factor: float = 1.0
) -> Evaluation:
    """Score ``layout`` (one rectangle array per block) against ``case``'s reference.

    Args:
        case (FloorplanCase): the problem and its reference metrics.
        layout (list[np.ndarray]): per block, (k, 4) rectangles ``[x0, y0, x1, y1]``.
        runtime_factor (float, default 1.0): runtime over the median runtime; 1 turns
            the runtime term off.
    """
    if len(layout) != case.num_blocks:
        raise ValueError(
            f"{case.name}: layout has {len(layout)} blocks, the case has {case.num_blocks}"
        )
    overlaps, area, fixed, preplaced = hard_violations(case, layout)
    feasible = overlaps == 0 and area == 0 and fixed == 0 and preplaced == 0
    boundary, grouping, mib, n_soft = soft_violations(case, layout)
    soft_total = boundary + grouping + mib
    v_rel = soft_total / n_soft if n_soft else 0.0
    centroids = np.stack([geometry.rects_centroid(r) for r in layout])
    wire = hpwl(case, centroids)
    wire_base = float(case.metrics[6] + case.metrics[7])
    hpwl_gap = (wire - wire_base) / max(wire_base, 1e-6)
    extent = geometry.rects_extent(np.concatenate(layout))
    bbox = float((extent[2] - extent[0]) * (extent[3] - extent[1]))
    area_gap = (bbox - float(case.metrics[0])) / max(float(case.metrics[0]), 1e-6)
    cost = (
        contest_cost(hpwl_gap, area_gap, v_rel, runtime_factor)
        if feasible
        else INFEASIBLE_COST
    )
    return Evaluation(
        feasible=feasible,
        overlaps=overlaps,
        area_violations=area,
        fixed_violations=fixed,
        preplaced_violations=preplaced,
        boundary_violations=boundary,
        grouping_violations=grouping,
        mib_violations=mib,
        soft_total=soft_total,
        hpwl=wire,
        hpwl_gap=hpwl_gap,
        bbox_area=bbox,
        area_gap=area_gap,
        violations_relative=v_rel,
        cost=cost,
    )


def total_score(costs: list[float], block_counts: list[int]) -> float:
    """Return ``sum_i cost_i exp(n_i) / sum_j exp(n_j)``, computed without overflow."""
    counts = np.asarray(block_counts, dtype=np.float64)
    weights = np.exp(counts - counts.max())
    return float(np.sum(weights * np.asarray(costs)) / weights.sum())
