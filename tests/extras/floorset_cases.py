"""Hand-made FloorSet cases shared by the evaluator tests."""

from __future__ import annotations

import numpy as np
from graphkit.extras.floorset.data import FloorplanCase


def polygon(x, y, w, h):
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=float)


def make_case(boxes, boundary=None, mib=None, cluster=None, metrics=None):
    """Build a Lite case whose reference layout is ``boxes`` (rows x, y, w, h).

    The case has one block-to-block net (blocks 0 and 1, weight 1) and no pins.
    """
    n = len(boxes)
    zeros = np.zeros(n, dtype=np.int64)
    boxes = np.asarray(boxes, dtype=float)
    return FloorplanCase(
        name="hand",
        variant="lite",
        area_target=boxes[:, 2] * boxes[:, 3],
        fixed=np.zeros(n, dtype=bool),
        preplaced=np.zeros(n, dtype=bool),
        mib=zeros if mib is None else np.asarray(mib),
        cluster=zeros if cluster is None else np.asarray(cluster),
        boundary=zeros if boundary is None else np.asarray(boundary),
        b2b=np.array([[0.0, 1.0, 1.0]]),
        p2b=np.zeros((0, 3)),
        pins=np.zeros((0, 2)),
        metrics=np.array([4.0, 0, 1, 1, 0, 0, 1.0, 0.0])
        if metrics is None
        else np.asarray(metrics, dtype=float),
        reference=[polygon(*row) for row in boxes],
    )
