"""FloorSet layout evaluator: the ICCAD-2026 contest scoring, revision of 2026-04-19.

The version implemented is ``iccad2026contest/iccad2026_evaluate.py`` of IntelLabs/FloorSet
as changed on 2026-04-19 (contest specification v9). Fixed-shape and preplaced blocks are
hard constraints, and only boundary, grouping and MIB are soft. That code scores the
FloorSet-Lite track only. FloorSet-Prime has no contest scoring, so this module scores
Prime layouts by the same rules on polygons, an extension of its own. The original
FloorSet evaluator in :mod:`graphkit.extras.floorset.original` scores them as well.

Hard constraints (any violation makes the layout infeasible, cost ``M = 10``):

* no two blocks overlap (intersection above 1e-6 on both axes),
* every soft block's area is within 1% of its target,
* fixed-shape blocks keep the reference width and height (translation allowed,
  tolerance 1e-4),
* preplaced blocks also keep the reference position (tolerance 1e-4),
* each block is one connected piece: a block given as several rectangles must have
  them share edges. The contest code scores one rectangle per block, so this rule
  is a graphkit extension for blocks given as rectangle sets.

Quality, against the reference metrics m of the label:

.. math::
    \\mathrm{HPWL} = \\sum_{(i,j,w) \\in b2b} w\\,\\|c_i - c_j\\|_1
        + \\sum_{(p,i,w) \\in p2b} w\\,\\|q_p - c_i\\|_1,\\qquad
    g_{wl} = \\frac{\\mathrm{HPWL} - (m_6 + m_7)}{m_6 + m_7},\\qquad
    g_{a} = \\frac{W H - m_0}{m_0}

with block centroids c_i, pin positions q_p and the bounding box W x H of all blocks.
As in the contest's ``_extract_baseline``, an m_0 or m_6 that is not positive, or a
negative m_7, is replaced by the reference layout's value. Soft constraints give
``V_rel = (V_boundary + V_grouping + V_MIB) / N_soft`` with
``N_soft = #boundary blocks + sum_groups (|G| - 1) + sum_MIB (|M| - 1)``, and

.. math::
    \\mathrm{cost} = \\bigl(1 + 0.5(\\max(0, g_{wl}) + \\max(0, g_a))\\bigr)
        \\, e^{2 V_{rel}} \\, \\max(0.7, R^{0.3})

where R is the runtime over the median runtime (1 when runtime is not scored). The
total score over cases weights case i by ``exp(n_i) / sum_j exp(n_j)`` (n = blocks).

NOTE: a later revision of ``iccad2026_evaluate.py`` (seen in public copies of the
contest code from May 2026) weights case i by ``exp(n_i / 12)`` instead and caps the
cost of a feasible layout at ``M - 1e-6``. This module keeps the 2026-04-19 rules, so
its total score differs from that revision's when the cases' block counts differ or a
feasible cost exceeds M.

Boundary codes are a bit mask over the sides of the layout's own bounding box (1 left,
2 right, 4 top, 8 bottom), met when the block's edge is within 1e-6 of that side. The
contest measures every layout, the reference included, against that rule and makes no
allowance for the labels. The FloorSet-Lite labels leave some boundary blocks 1 to 4
units short of their side, so Lite references score above 1 (see
:mod:`graphkit.extras.floorset.experiment`). Before its 2026-04-15 revision the
contest code set every soft violation count to 0, so such references scored 1 there.

Blocks may be rectilinear polygons (Prime): centroids, areas and overlaps use their
slab decompositions (see :mod:`geometry`), so rectangles (Lite) are the special case
the contest code handles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import (
    BOUNDARY_BOTTOM,
    BOUNDARY_LEFT,
    BOUNDARY_RIGHT,
    BOUNDARY_TOP,
    FloorplanCase,
)

BoxRule = Literal["bbox", "origin"]
INFEASIBLE_COST = 10.0
AREA_TOLERANCE = 0.01
SHAPE_TOLERANCE = 1e-4
BOUNDARY_TOLERANCE = 1e-6
ALPHA, BETA, GAMMA = 0.5, 2.0, 0.3
SCORING_VERSION = (
    "ICCAD-2026 FloorSet contest evaluator (iccad2026_evaluate.py), "
    "revision 2026-04-19, spec v9"
)


@dataclass
class Evaluation:
    """Scores of one layout. Counts are numbers of violating blocks, pairs or groups."""

    feasible: bool
    overlaps: int
    area_violations: int
    fixed_violations: int
    preplaced_violations: int
    split_blocks: int
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
    """Convert one polygon per block to the slab decompositions the evaluator uses.

    Raises:
        ValueError: a polygon is not rectilinear. The message names its block.
    """
    layout = []
    for block, polygon in enumerate(polygons):
        try:
            layout.append(geometry.polygon_to_rects(polygon))
        except ValueError as error:
            raise ValueError(f"polygon of block {block}: {error}") from None
    return layout


def layout_from_boxes(boxes: np.ndarray) -> list[np.ndarray]:
    """Convert an (n, 4) array of ``(x, y, w, h)`` rectangles to a layout."""
    return [geometry.rectangle(*row) for row in np.asarray(boxes, dtype=np.float64)]


def b2b_length(case: FloorplanCase, centroids: np.ndarray) -> float:
    """Return ``sum_(i,j,w) w |c_i - c_j|_1`` over the block-to-block nets."""
    if not len(case.b2b):
        return 0.0
    i, j = case.b2b[:, 0].astype(int), case.b2b[:, 1].astype(int)
    return float(np.sum(case.b2b[:, 2] * np.abs(centroids[i] - centroids[j]).sum(1)))


def p2b_length(case: FloorplanCase, centroids: np.ndarray) -> float:
    """Return ``sum_(p,i,w) w |q_p - c_i|_1`` over the pin-to-block nets."""
    if not len(case.p2b):
        return 0.0
    pin, block = case.p2b[:, 0].astype(int), case.p2b[:, 1].astype(int)
    distance = np.abs(case.pins[pin] - centroids[block]).sum(1)
    return float(np.sum(case.p2b[:, 2] * distance))


def hpwl(case: FloorplanCase, centroids: np.ndarray) -> float:
    """Return the weighted centroid-to-centroid plus pin-to-centroid Manhattan length."""
    return b2b_length(case, centroids) + p2b_length(case, centroids)


def centroids_of(layout: list[np.ndarray]) -> np.ndarray:
    """Return the (n, 2) area-weighted centroids of the blocks of ``layout``."""
    return np.stack([geometry.rects_centroid(r) for r in layout])


def bbox_area(layout: list[np.ndarray]) -> float:
    """Return the area of the bounding box of all blocks of ``layout``."""
    extent = geometry.rects_extent(np.concatenate(layout))
    return float((extent[2] - extent[0]) * (extent[3] - extent[1]))


def baselines(case: FloorplanCase) -> tuple[float, float]:
    """Return the contest's (HPWL, area) baselines of ``case``.

    The label metrics give ``m_6 + m_7`` and ``m_0``. As in the contest's
    ``_extract_baseline``, m_6 <= 0, m_7 < 0 or m_0 <= 0 is replaced by the b2b
    length, p2b length or bounding-box area of the reference layout.
    """
    m = case.metrics
    if m[0] > 0 and m[6] > 0 and m[7] >= 0:
        return float(m[6] + m[7]), float(m[0])
    reference = layout_from_polygons(case.reference)
    centroids = centroids_of(reference)
    wire = (float(m[6]) if m[6] > 0 else b2b_length(case, centroids)) + (
        float(m[7]) if m[7] >= 0 else p2b_length(case, centroids)
    )
    return wire, float(m[0]) if m[0] > 0 else bbox_area(reference)


def constraint_groups(labels: np.ndarray) -> list[list[int]]:
    """Return the member lists of the groups labelled 1, 2, ... (0 means no group)."""
    return [np.flatnonzero(labels == g).tolist() for g in np.unique(labels[labels > 0])]


def boundary_box(layout: list[np.ndarray], box: BoxRule = "bbox") -> np.ndarray:
    """Return the box ``[x0, y0, x1, y1]`` whose sides the boundary codes refer to.

    ``"bbox"`` (contest) is the bounding box of all blocks of the layout. ``"origin"``
    (original ``cost.py``) is ``[0, W] x [0, H]``, with W and H the largest x and y of
    any block and at least 0. A layout that does not start at the origin therefore
    leaves its left and bottom blocks off that box.
    """
    extent = geometry.rects_extent(np.concatenate(layout))
    if box == "bbox":
        return extent
    if box == "origin":
        return np.array([0.0, 0.0, max(0.0, extent[2]), max(0.0, extent[3])])
    raise ValueError(
        f"invalid box rule {box!r}: use 'bbox' (contest) or 'origin' (original cost.py)"
    )


def boundary_gaps(
    case: FloorplanCase, layout: list[np.ndarray], box: BoxRule = "bbox"
) -> dict[int, float]:
    """Map each boundary block to its largest distance from a side its code requires.

    The code is a bit mask over the sides of :func:`boundary_box`: 1 left (x = x0),
    2 right (x = x1), 4 top (y = y1), 8 bottom (y = y0). Corners set two bits (5 top
    left, 6 top right, 9 bottom left, 10 bottom right). The distance to a side is the
    Chebyshev distance from the block to that side's segment, so it is 0 exactly when
    the block touches or crosses the side. A gap of 0 means every named side is met.
    """
    x0, y0, x1, y1 = boundary_box(layout, box)
    segments = {
        BOUNDARY_LEFT: (x0, y0, x0, y1),
        BOUNDARY_RIGHT: (x1, y0, x1, y1),
        BOUNDARY_TOP: (x0, y1, x1, y1),
        BOUNDARY_BOTTOM: (x0, y0, x1, y0),
    }
    gaps = {}
    for b in np.flatnonzero(case.boundary > 0):
        code = int(case.boundary[b])
        gaps[int(b)] = max(
            (
                geometry.distance_to_segment(layout[b], segment)
                for bit, segment in segments.items()
                if code & bit
            ),
            default=0.0,
        )
    return gaps


def soft_violations(
    case: FloorplanCase, layout: list[np.ndarray]
) -> tuple[int, int, int, int]:
    """Count boundary, grouping and MIB violations and the normaliser ``N_soft``.

    The rules follow ``evaluate_solution`` of the contest code. A boundary block
    violates when its gap to a named side of the layout's bounding box is not below
    1e-6. A cluster group adds (connected parts of the union of its blocks - 1). An
    MIB group adds (distinct shapes - 1), comparing shapes as (w, h) rounded to 4
    decimals. A polygon's shape is its canonical slab decomposition, translated to
    the origin and rounded.
    """
    gaps = boundary_gaps(case, layout, "bbox").values()
    boundary = sum(gap >= BOUNDARY_TOLERANCE for gap in gaps)
    clusters, mibs = constraint_groups(case.cluster), constraint_groups(case.mib)
    grouping = sum(
        geometry.connected_groups(layout, g, geometry.OVERLAP_TOLERANCE) - 1
        for g in clusters
    )
    mib = sum(len({geometry.shape_key(layout[b]) for b in g}) - 1 for g in mibs)
    n_soft = int(np.sum(case.boundary > 0))
    n_soft += sum(len(g) - 1 for g in clusters) + sum(len(g) - 1 for g in mibs)
    return boundary, grouping, mib, n_soft


def hard_violations(
    case: FloorplanCase, layout: list[np.ndarray]
) -> tuple[int, int, int, int]:
    """Count overlapping pairs and area, fixed-shape and preplaced violations.

    The rules follow the contest's ``check_dimension_hard_constraints``. A fixed-shape
    block violates when its shape (for a rectangle, width and height) differs from
    the reference by more than 1e-4, compared as canonical slab decompositions. A
    preplaced block also violates when its lower-left corner moved by more than 1e-4.
    Other blocks with a positive target violate when their area is off the target by
    more than 1%.
    """
    overlaps = len(geometry.overlapping_pairs(layout))
    area = fixed = preplaced = 0
    for b, rects in enumerate(layout):
        reference = geometry.polygon_to_rects(case.reference[b])
        if case.preplaced[b] or case.fixed[b]:
            # Canonical forms too, so that the same region cut into other rectangles,
            # or a polygon with an extra collinear vertex, keeps its shape. Canonical
            # forms merge slabs only on exact equality, so the cuts as given are
            # compared first, within the tolerance.
            ok = geometry.same_shape(
                rects, reference, SHAPE_TOLERANCE, True
            ) or geometry.same_shape(
                geometry.canonical_rects(rects),
                geometry.canonical_rects(reference),
                SHAPE_TOLERANCE,
                True,
            )
            if case.preplaced[b]:
                moved = (
                    geometry.rects_extent(rects)[:2]
                    - geometry.rects_extent(reference)[:2]
                )
                preplaced += not (ok and bool(np.all(np.abs(moved) <= SHAPE_TOLERANCE)))
            else:
                fixed += not ok
        elif case.area_target[b] > 0:
            target = case.area_target[b]
            # int(), because a NumPy bool would make the count a NumPy integer,
            # which json.dumps rejects.
            area += int(
                abs(geometry.rects_area(rects) - target) > AREA_TOLERANCE * target
            )
    return overlaps, area, fixed, preplaced


def count_split_blocks(layout: list[np.ndarray]) -> int:
    """Count the blocks whose rectangles form more than one connected piece.

    Such a block would meet its area target with pieces anywhere in the layout.
    Rectangles that meet only at a corner are separate pieces.
    """
    return sum(
        geometry.connected_groups(
            [row[None] for row in rects],
            list(range(len(rects))),
            geometry.OVERLAP_TOLERANCE,
        )
        > 1
        for rects in layout
        if len(rects) > 1
    )


def contest_cost(
    hpwl_gap: float, area_gap: float, v_rel: float, runtime_factor: float
) -> float:
    """Return the cost of a feasible layout (runtime_factor = runtime / median runtime).

    Raises:
        ValueError: an argument is NaN, or ``runtime_factor`` is negative. Python's
            ``max`` keeps whichever argument comes first when a comparison involves
            NaN, so ``max(0, NaN)`` is 0 and a NaN gap or runtime would score as
            perfect.
    """
    arguments = {
        "hpwl_gap": hpwl_gap,
        "area_gap": area_gap,
        "v_rel": v_rel,
        "runtime_factor": runtime_factor,
    }
    nan_names = [name for name, value in arguments.items() if math.isnan(value)]
    if nan_names:
        raise ValueError(
            f"contest_cost got NaN for {', '.join(nan_names)}. Check the layout and "
            "the case's nets, metrics and runtimes for NaN."
        )
    if runtime_factor < 0:
        # The clamp at 0.01 below would score a negative ratio as the fastest run.
        raise ValueError(
            f"runtime_factor={runtime_factor} is invalid, because a ratio of two "
            "runtimes is >= 0. Pass runtime / median runtime, or 1.0 to leave the "
            "runtime unscored"
        )
    quality = 1.0 + ALPHA * (max(0.0, hpwl_gap) + max(0.0, area_gap))
    return (
        quality * math.exp(BETA * v_rel) * max(0.7, max(runtime_factor, 0.01) ** GAMMA)
    )


def check_rectangles(
    case: FloorplanCase, layout: list[np.ndarray]
) -> list[np.ndarray]:
    """Check that each block is k >= 1 finite, non-overlapping rows ``[x0, y0, x1, y1]``.

    Returns the blocks as float64 arrays, so a layout of nested lists works too.
    Each row needs x0 <= x1 and y0 <= y1. Raises ValueError naming the first block
    that breaks a rule. The scoring compares coordinates, and every comparison with
    NaN is false, so a NaN block would pass the overlap and area checks. An inverted
    rectangle (x1 < x0 and y1 < y0) has a positive area but never overlaps anything.
    """
    arrays = []
    for block, rects in enumerate(layout):
        if np.iscomplexobj(rects):
            # The cast to float64 below would drop the imaginary parts.
            raise ValueError(
                f"{case.name}: block {block} has complex coordinates. Give real numbers"
            )
        rects = np.asarray(rects, dtype=np.float64)
        arrays.append(rects)
        if rects.ndim != 2 or rects.shape[1] != 4 or len(rects) == 0:
            hint = ""
            if rects.shape == (4,):
                # An (n, 4) array passed as the layout gives one row per block.
                hint = (
                    ". For one rectangle per block, convert (x, y, w, h) boxes with "
                    "layout_from_boxes, or wrap each [x0, y0, x1, y1] row in a list"
                )
            raise ValueError(
                f"{case.name}: block {block} has rectangles of shape "
                f"{rects.shape}. Give an array of shape (k, 4) with k >= 1, rows "
                f"[x0, y0, x1, y1]{hint}"
            )
        if not np.isfinite(rects).all():
            raise ValueError(
                f"{case.name}: block {block} has non-finite coordinates "
                f"{rects.tolist()}. Give finite numbers"
            )
        if np.any(rects[:, 2] < rects[:, 0]) or np.any(rects[:, 3] < rects[:, 1]):
            raise ValueError(
                f"{case.name}: block {block} has a rectangle with x1 < x0 or "
                f"y1 < y0 in {rects.tolist()}. Give rows [x0, y0, x1, y1], or "
                "(x, y, w, h) boxes with w, h >= 0 to layout_from_boxes"
            )
        if len(rects) > 1:
            # Areas and centroids add the rectangles up, so a repeated or overlapping
            # rectangle would count its shared area twice.
            pairs = geometry.overlapping_pairs([row[None] for row in rects])
            if pairs:
                first, second = min(pairs)
                raise ValueError(
                    f"{case.name}: block {block} has overlapping rectangles "
                    f"{rects[first].tolist()} and {rects[second].tolist()}. Cut the "
                    "block into rectangles that only touch"
                )
    return arrays


def evaluate(
    case: FloorplanCase, layout: list[np.ndarray], runtime_factor: float = 1.0
) -> Evaluation:
    """Score ``layout`` (one rectangle array per block) against ``case``'s reference.

    Args:
        case (FloorplanCase): the problem and its reference metrics.
        layout (list[np.ndarray]): per block, (k, 4) rectangles ``[x0, y0, x1, y1]``,
            as an array or nested lists.
        runtime_factor (float, default 1.0): runtime over the median runtime; 1 turns
            the runtime term off.

    Raises:
        ValueError: the block count differs from the case's, or a block's rectangles
            are malformed (see :func:`check_rectangles`).
    """
    if len(layout) != case.num_blocks:
        raise ValueError(
            f"{case.name}: layout has {len(layout)} blocks, the case has {case.num_blocks}"
        )
    layout = check_rectangles(case, layout)
    overlaps, area, fixed, preplaced = hard_violations(case, layout)
    split = count_split_blocks(layout)
    feasible = bool(
        overlaps == 0 and area == 0 and fixed == 0 and preplaced == 0 and split == 0
    )
    boundary, grouping, mib, n_soft = soft_violations(case, layout)
    soft_total = boundary + grouping + mib
    v_rel = soft_total / n_soft if n_soft else 0.0
    wire = hpwl(case, centroids_of(layout))
    wire_base, area_base = baselines(case)
    hpwl_gap = (wire - wire_base) / max(wire_base, 1e-6)
    bbox = bbox_area(layout)
    area_gap = (bbox - area_base) / max(area_base, 1e-6)
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
        split_blocks=split,
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
    """Return ``sum_i cost_i exp(n_i) / sum_j exp(n_j)``, computed without overflow.

    Raises:
        ValueError: ``costs`` and ``block_counts`` differ in length or are empty.
    """
    costs_array = np.asarray(costs, dtype=np.float64).reshape(-1)
    counts = np.asarray(block_counts, dtype=np.float64).reshape(-1)
    if len(costs_array) != len(counts):
        # numpy would broadcast a single entry against the other list silently.
        raise ValueError(
            f"total_score got {len(costs_array)} costs and {len(counts)} block "
            "counts. Pass one block count per cost."
        )
    if not len(counts):
        raise ValueError("total_score got no cases. Score at least one case.")
    weights = np.exp(counts - counts.max())
    return float(np.sum(weights * costs_array) / weights.sum())
