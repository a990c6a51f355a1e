"""Rectilinear block geometry: slab decomposition, area, centroid, overlap and abutment.

A block is a simple rectilinear polygon (Prime) or a rectangle (Lite). Every check here
works on its slab decomposition: the polygon is cut by horizontal lines through each of
its vertices, and each slab is split into the x intervals that lie inside the polygon
(even-odd rule on the vertical edges). The decomposition is canonical for a given
region and vertex set, so two blocks have the same shape up to translation exactly when
their decompositions, shifted to the origin, agree.

Rectangles are rows ``[x0, y0, x1, y1]``; a layout is a list of (k_b, 4) arrays.
"""

from __future__ import annotations

import itertools

import numpy as np

OVERLAP_TOLERANCE = 1e-6


def rectangle(x: float, y: float, w: float, h: float) -> np.ndarray:
    """Return the one-row decomposition of the rectangle at (x, y) of size w x h."""
    return np.array([[x, y, x + w, y + h]], dtype=np.float64)


def polygon_to_rects(polygon: np.ndarray) -> np.ndarray:
    """Decompose a simple rectilinear polygon into slab rectangles.

    Args:
        polygon (np.ndarray): (k, 2) vertices in order, without the closing vertex.

    Returns:
        np.ndarray: (r, 4) rectangles ``[x0, y0, x1, y1]`` covering the polygon.

    Raises:
        ValueError: an edge, the closing edge included, is neither horizontal nor
            vertical. Only the vertical edges are used below, so such a polygon
            would otherwise lose part of its area without an error.
    """
    polygon = np.asarray(polygon, dtype=np.float64)
    start, end = polygon, np.roll(polygon, -1, axis=0)
    same_x = np.isclose(start[:, 0], end[:, 0])
    same_y = np.isclose(start[:, 1], end[:, 1])
    slanted = np.flatnonzero(~same_x & ~same_y)
    if len(slanted):
        edge = slanted[0]
        raise ValueError(
            f"the edge from {start[edge].tolist()} to {end[edge].tolist()} is neither "
            "horizontal nor vertical. Give a rectilinear polygon"
        )
    vertical = same_x & ~same_y
    edge_x = start[vertical, 0]
    edge_lo = np.minimum(start[vertical, 1], end[vertical, 1])
    edge_hi = np.maximum(start[vertical, 1], end[vertical, 1])
    levels = np.unique(polygon[:, 1])
    rects = []
    for y0, y1 in itertools.pairwise(levels):
        middle = 0.5 * (y0 + y1)
        crossings = np.sort(edge_x[(edge_lo < middle) & (edge_hi > middle)])
        for x0, x1 in zip(crossings[0::2], crossings[1::2]):
            rects.append((x0, y0, x1, y1))
    return np.array(rects, dtype=np.float64).reshape(-1, 4)


def rects_area(rects: np.ndarray) -> float:
    """Return the total area of non-overlapping rectangles."""
    return float(np.sum((rects[:, 2] - rects[:, 0]) * (rects[:, 3] - rects[:, 1])))


def rects_centroid(rects: np.ndarray) -> np.ndarray:
    """Return the area-weighted centroid (2,) of non-overlapping rectangles.

    Rectangles of zero total area (a degenerate block) have no area-weighted
    centroid, so the centre of their bounding box is returned. For one rectangle
    that is ``(x + w / 2, y + h / 2)``, the block centre of the HPWL functions in
    the contest's ``iccad2026_evaluate.py``.
    """
    areas = (rects[:, 2] - rects[:, 0]) * (rects[:, 3] - rects[:, 1])
    centres = 0.5 * (rects[:, :2] + rects[:, 2:])
    total = areas.sum()
    if total <= 0:
        extent = rects_extent(rects)
        return 0.5 * (extent[:2] + extent[2:])
    return (areas[:, None] * centres).sum(0) / total


def rects_extent(rects: np.ndarray) -> np.ndarray:
    """Return ``[x0, y0, x1, y1]``, the bounding box of the rectangles."""
    return np.array(
        [rects[:, 0].min(), rects[:, 1].min(), rects[:, 2].max(), rects[:, 3].max()]
    )


def normalized_shape(rects: np.ndarray) -> np.ndarray:
    """Return the rectangles shifted so their bounding box starts at the origin, sorted.

    An empty set, the canonical form of a zero-area block, is returned as ``(0, 4)``.
    """
    if len(rects) == 0:
        return np.asarray(rects, dtype=np.float64).reshape(0, 4)
    extent = rects_extent(rects)
    shifted = rects - np.array([extent[0], extent[1], extent[0], extent[1]])
    return shifted[np.lexsort(shifted.T[::-1])]


def same_shape(a: np.ndarray, b: np.ndarray, tolerance: float, translate: bool) -> bool:
    """Whether two decompositions describe the same region (up to translation if asked)."""
    if translate:
        a, b = normalized_shape(a), normalized_shape(b)
    else:
        a, b = a[np.lexsort(a.T[::-1])], b[np.lexsort(b.T[::-1])]
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tolerance))


def _stack(layout: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    owners = np.concatenate([np.full(len(r), b) for b, r in enumerate(layout)])
    return np.concatenate(layout), owners


def overlapping_pairs(
    layout: list[np.ndarray], tolerance: float = OVERLAP_TOLERANCE
) -> set:
    """Return the block pairs (i, j), i < j, whose interiors overlap.

    Two rectangles overlap when their intersection exceeds ``tolerance`` along both
    axes, so blocks that only touch along an edge do not overlap.
    """
    rects, owners = _stack(layout)
    dx = np.minimum(rects[:, None, 2], rects[None, :, 2]) - np.maximum(
        rects[:, None, 0], rects[None, :, 0]
    )
    dy = np.minimum(rects[:, None, 3], rects[None, :, 3]) - np.maximum(
        rects[:, None, 1], rects[None, :, 1]
    )
    hits = (dx > tolerance) & (dy > tolerance) & (owners[:, None] < owners[None, :])
    rows, cols = np.nonzero(hits)
    return {(int(owners[r]), int(owners[c])) for r, c in zip(rows, cols)}


def abutting_pairs(layout: list[np.ndarray], tolerance: float = 1e-4) -> set:
    """Return the block pairs (i, j), i < j, that share an edge of positive length."""
    rects, owners = _stack(layout)
    dx = np.minimum(rects[:, None, 2], rects[None, :, 2]) - np.maximum(
        rects[:, None, 0], rects[None, :, 0]
    )
    dy = np.minimum(rects[:, None, 3], rects[None, :, 3]) - np.maximum(
        rects[:, None, 1], rects[None, :, 1]
    )
    touch_x = (np.abs(rects[:, None, 2] - rects[None, :, 0]) <= tolerance) | (
        np.abs(rects[:, None, 0] - rects[None, :, 2]) <= tolerance
    )
    touch_y = (np.abs(rects[:, None, 3] - rects[None, :, 1]) <= tolerance) | (
        np.abs(rects[:, None, 1] - rects[None, :, 3]) <= tolerance
    )
    side = (touch_x & (dy > tolerance)) | (touch_y & (dx > tolerance))
    side &= owners[:, None] < owners[None, :]
    rows, cols = np.nonzero(side)
    return {(int(owners[r]), int(owners[c])) for r, c in zip(rows, cols)}


def canonical_rects(rects: np.ndarray) -> np.ndarray:
    """Compute the canonical slab decomposition of the region the rectangles cover.

    The region is cut by horizontal lines through every rectangle's y edges. In each
    slab the covered x intervals are merged, and then consecutive slabs with the same
    intervals are merged. Two rectangle sets cover the same region exactly when their
    canonical forms agree, whatever cuts they started from.
    """
    levels = np.unique(rects[:, [1, 3]])
    slabs: list[tuple[float, float, list[tuple[float, float]]]] = []
    for y0, y1 in itertools.pairwise(levels):
        middle = 0.5 * (y0 + y1)
        rows = rects[(rects[:, 1] < middle) & (rects[:, 3] > middle)]
        merged: list[list[float]] = []
        for x0, x1 in sorted(zip(rows[:, 0].tolist(), rows[:, 2].tolist())):
            if merged and x0 <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], x1)
            else:
                merged.append([x0, x1])
        intervals = [(a, b) for a, b in merged]
        if slabs and slabs[-1][1] == y0 and slabs[-1][2] == intervals:
            slabs[-1] = (slabs[-1][0], y1, intervals)
        elif intervals:
            slabs.append((y0, y1, intervals))
    out = [(a, y0, b, y1) for y0, y1, intervals in slabs for a, b in intervals]
    return np.array(out, dtype=np.float64).reshape(-1, 4)


def rotate_quarter(rects: np.ndarray, turns: int) -> np.ndarray:
    """Rotate rectangles by ``turns`` quarter turns counter-clockwise about the origin."""
    out = np.asarray(rects, dtype=np.float64)
    for _ in range(turns % 4):
        # The turn (x, y) -> (-y, x) maps [x0, y0, x1, y1] to [-y1, x0, -y0, x1].
        out = np.stack([-out[:, 3], out[:, 0], -out[:, 1], out[:, 2]], axis=1)
    return out


def shape_key(rects: np.ndarray, decimals: int = 4) -> tuple:
    """Build a hashable key of the region up to translation, rounded to ``decimals``."""
    canonical = normalized_shape(canonical_rects(rects))
    return tuple(np.round(canonical, decimals).ravel().tolist())


def same_shape_rotated(a: np.ndarray, b: np.ndarray, tolerance: float) -> bool:
    """Check whether region ``b`` equals region ``a`` up to translation and quarter turns."""
    target = normalized_shape(canonical_rects(a))
    for turns in range(4):
        other = normalized_shape(canonical_rects(rotate_quarter(b, turns)))
        if other.shape == target.shape and bool(
            np.all(np.abs(other - target) <= tolerance)
        ):
            return True
    return False


def intersection_area(a: np.ndarray, b: np.ndarray) -> float:
    """Return the area shared by two sets of non-overlapping rectangles."""
    dx = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(
        a[:, None, 0], b[None, :, 0]
    )
    dy = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(
        a[:, None, 1], b[None, :, 1]
    )
    return float(np.sum(np.clip(dx, 0.0, None) * np.clip(dy, 0.0, None)))


def distance_to_segment(rects: np.ndarray, segment: tuple[float, ...]) -> float:
    """Return the Chebyshev distance from the rectangles to an axis-parallel segment.

    ``segment`` is ``(x0, y0, x1, y1)`` with x0 == x1 or y0 == y1. The distance is 0
    exactly when the closed region and the closed segment intersect (touching counts).
    """
    x0, y0, x1, y1 = segment
    dx = np.maximum.reduce([np.zeros(len(rects)), rects[:, 0] - x1, x0 - rects[:, 2]])
    dy = np.maximum.reduce([np.zeros(len(rects)), rects[:, 1] - y1, y0 - rects[:, 3]])
    return float(np.min(np.maximum(dx, dy)))


def connected_groups(
    layout: list[np.ndarray], members: list[int], tolerance: float
) -> int:
    """Count the connected parts of the union of the ``members`` blocks.

    Blocks join when they share an edge of positive length or overlap, as in the union
    of their polygons. Blocks that meet only at a corner point stay apart.
    """
    sub = [layout[m] for m in members]
    pairs = abutting_pairs(sub, tolerance) | overlapping_pairs(sub, tolerance)
    parent = list(range(len(sub)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        parent[find(a)] = find(b)
    return len({find(m) for m in range(len(sub))})
