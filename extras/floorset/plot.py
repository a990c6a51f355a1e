"""Draw a FloorSet layout to a PNG file: blocks coloured by constraint, pins as dots."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from graphkit.extras.floorset.data import FloorplanCase
from matplotlib.patches import Rectangle

COLOURS = {
    "preplaced": "#d62728",
    "fixed": "#ff7f0e",
    "cluster": "#2ca02c",
    "soft": "#9ecae1",
}


def block_kind(case: FloorplanCase, block: int) -> str:
    """Return the legend category of ``block``: preplaced, fixed, cluster or soft."""
    if case.preplaced[block]:
        return "preplaced"
    if case.fixed[block]:
        return "fixed"
    if case.cluster[block] > 0:
        return "cluster"
    return "soft"


def plot_layout(
    case: FloorplanCase, layout: list[np.ndarray], path: str | Path, title: str = ""
) -> Path:
    """Write ``layout`` (per block, (k, 4) rectangles) of ``case`` to the PNG ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(6, 6))
    try:
        _draw(case, layout, axes, title)
        figure.savefig(path, dpi=120, bbox_inches="tight")
    finally:
        # pyplot keeps every open figure, so a failed save must close it too.
        plt.close(figure)
    return path


def _draw(case: FloorplanCase, layout: list[np.ndarray], axes, title: str) -> None:
    for block, rects in enumerate(layout):
        kind = block_kind(case, block)
        for x0, y0, x1, y1 in rects:
            axes.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    facecolor=COLOURS[kind],
                    edgecolor="black",
                    linewidth=0.5,
                )
            )
        centre = rects[:, :2].mean(0) * 0.5 + rects[:, 2:].mean(0) * 0.5
        axes.text(*centre, str(block), fontsize=5, ha="center", va="center")
    if len(case.pins):
        axes.scatter(case.pins[:, 0], case.pins[:, 1], s=4, c="black", label="pins")
    every = np.concatenate(layout)
    low, high = every[:, :2].min(0), every[:, 2:].max(0)
    if len(case.pins):
        # Without pins the limits come from the blocks alone, not from the origin.
        low = np.minimum(low, case.pins.min(0))
        high = np.maximum(high, case.pins.max(0))
    axes.set_xlim(low[0] - 1, high[0] + 1)
    axes.set_ylim(low[1] - 1, high[1] + 1)
    axes.set_aspect("equal")
    for kind, colour in COLOURS.items():
        axes.add_patch(Rectangle((0, 0), 0, 0, facecolor=colour, label=kind))
    axes.legend(loc="upper right", fontsize=6)
    axes.set_title(title or case.name, fontsize=8)
