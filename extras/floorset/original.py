"""Original FloorSet evaluator: ``estimate_cost`` of ``cost.py`` with the checks of ``utils.py``.

This is the scoring that ships with the FloorSet dataset (``cost.py`` and ``utils.py``
of IntelLabs/FloorSet, read at two revisions that apply the same rules). It covers
FloorSet-Prime, for which the ICCAD-2026 contest defines no cost. It computes no single
cost but reports, against the label:

* placement-constraint violations:

  * fixed-shape blocks whose shape differs from the reference (up to translation and
    rotation, tolerance 1e-3),
  * preplaced blocks whose overlap with the reference falls short of their own area by
    1e-3 or more,
  * MIB members whose shape differs from the group's first member,
  * k violations for each cluster whose union splits into k > 1 parts,
  * boundary blocks that miss a named side,

* the blocks whose area, rounded to the dtype of the targets in the data file
  (float16 in Prime, float32 in Lite), is below the target,
* the differences of the b2b and p2b wire lengths from m_6 and m_7 and of the layout
  area W H from m_0, each set to 0 when its magnitude is below 0.01.

Boundary sides belong to the origin-anchored box ``[0, W] x [0, H]``, with W and H the
largest x and y of the layout (``check_boundary_const``). A block meets a side when
its polygon intersects the side's segment, touching included, with no tolerance.

Differences from the original code: shapes are compared as regions up to translation
and quarter turns. ``polygons_have_same_shape`` normalizes with shapely's minimum
rotated rectangle and compares vertex lists, so it can also depend on where each
polygon's vertex list starts. Wire lengths use float64 centroids (float32 there).
NOTE: a boundary code outside 1, 2, 4, 8, 5, 6, 9 and 10 is checked bit by bit here,
while ``check_boundary_const`` skips it. The FloorSet test layouts use only these eight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset.data import FloorplanCase
from graphkit.extras.floorset.evaluate import (
    b2b_length,
    boundary_box,
    boundary_gaps,
    centroids_of,
    check_rectangles,
    constraint_groups,
    p2b_length,
)

DIFFERENCE_TOLERANCE = 0.01
SHAPE_TOLERANCE = 1e-3
PREPLACED_THRESHOLD = 1e-3
ORIGINAL_VERSION = (
    "FloorSet original evaluator (cost.py estimate_cost, utils.py checks)"
)


@dataclass
class OriginalReport:
    """Violation counts and metric differences of one layout under the original rules."""

    fixed: int
    preplaced: int
    mib: int
    cluster: int
    boundary: int
    area_violations: list[int]
    b2b_difference: float
    p2b_difference: float
    area_difference: float

    @property
    def placement_violations(self) -> int:
        """Total of the five placement-constraint counts."""
        return self.fixed + self.preplaced + self.mib + self.cluster + self.boundary

    @property
    def clean(self) -> bool:
        """Whether the layout has no violation and matches every label metric."""
        return (
            self.placement_violations == 0
            and not self.area_violations
            and self.b2b_difference == 0.0
            and self.p2b_difference == 0.0
            and self.area_difference == 0.0
        )


def difference_with_tolerance(
    value: float, target: float, tolerance: float = DIFFERENCE_TOLERANCE
) -> float:
    """Return ``value - target``, or 0 when its magnitude is below ``tolerance``."""
    difference = value - target
    return difference if abs(difference) >= tolerance else 0.0


def _same_shape(a: np.ndarray, b: np.ndarray) -> bool:
    areas_match = (
        abs(geometry.rects_area(a) - geometry.rects_area(b)) <= SHAPE_TOLERANCE
    )
    return areas_match and geometry.same_shape_rotated(a, b, SHAPE_TOLERANCE)


def original_report(case: FloorplanCase, layout: list[np.ndarray]) -> OriginalReport:
    """Score ``layout`` with the original FloorSet rules (see the module docstring).

    Args:
        case (FloorplanCase): the problem, its reference layout and metrics.
        layout (list[np.ndarray]): per block, (k, 4) rectangles ``[x0, y0, x1, y1]``.

    Returns:
        OriginalReport: the violation counts and metric differences.

    Raises:
        ValueError: if ``layout`` and ``case`` have different block counts, or a
            block's rectangles are malformed (see ``check_rectangles`` in
            :mod:`graphkit.extras.floorset.evaluate`).
    """
    if len(layout) != case.num_blocks:
        raise ValueError(
            f"{case.name}: layout has {len(layout)} blocks but the case has "
            f"{case.num_blocks}. Pass one rectangle array per block of the case"
        )
    layout = check_rectangles(case, layout)
    reference = [geometry.polygon_to_rects(p) for p in case.reference]
    fixed = sum(
        not _same_shape(layout[b], reference[b]) for b in np.flatnonzero(case.fixed)
    )
    preplaced = sum(
        geometry.intersection_area(layout[b], reference[b]) + PREPLACED_THRESHOLD
        <= geometry.rects_area(layout[b])
        for b in np.flatnonzero(case.preplaced)
    )
    mib = sum(
        not _same_shape(layout[group[0]], layout[b])
        for group in constraint_groups(case.mib)
        for b in group[1:]
    )
    cluster = 0
    for group in constraint_groups(case.cluster):
        parts = geometry.connected_groups(layout, group, geometry.OVERLAP_TOLERANCE)
        cluster += parts if parts > 1 else 0
    boundary = sum(gap > 0.0 for gap in boundary_gaps(case, layout, "origin").values())
    # estimate_cost stores the areas in a tensor of the targets' dtype. In float16
    # (Prime) an area of 3375 becomes 3376 there and meets a target of 3376. In
    # float32 (Lite) whole areas up to 2**24 stay exact.
    areas = np.array([geometry.rects_area(r) for r in layout]).astype(case.area_dtype)
    centroids = centroids_of(layout)
    _, _, width, height = boundary_box(layout, "origin")
    return OriginalReport(
        fixed=int(fixed),
        preplaced=int(preplaced),
        mib=int(mib),
        cluster=int(cluster),
        boundary=int(boundary),
        area_violations=np.flatnonzero(areas < case.area_target).tolist(),
        b2b_difference=difference_with_tolerance(
            b2b_length(case, centroids), float(case.metrics[6])
        ),
        p2b_difference=difference_with_tolerance(
            p2b_length(case, centroids), float(case.metrics[7])
        ),
        area_difference=difference_with_tolerance(
            float(width * height), float(case.metrics[0])
        ),
    )
