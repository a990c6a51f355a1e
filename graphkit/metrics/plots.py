"""PNG figures of one analysed graph: compatibility heat map, per-node homophily
histogram, and NIC against neighbourhood size."""

from __future__ import annotations

import functools
import logging
import math
from pathlib import Path

from graphkit.atomic_files import write_atomically
from graphkit.metrics.compatibility import class_compatibility
from graphkit.metrics.graph import LabelledGraph
from graphkit.metrics.homophily.node import local_homophily
from graphkit.metrics.neighbourhood_information import nic_by_neighbourhood_size
from graphkit.metrics.summary import NICOptions

log = logging.getLogger(__name__)


def write_plots(
    graph: LabelledGraph,
    name: str,
    out_dir: str | Path,
    nic_options: NICOptions | None = None,
) -> list[Path]:
    """Write ``NAME_compatibility.png``, ``NAME_local_homophily.png`` and
    ``NAME_nic_by_size.png`` into ``out_dir`` (created if missing).

    Earlier images of the same names are replaced, and other files in ``out_dir``
    are kept.

    ``/`` and ``\\`` in ``name`` become ``_`` in the file names.

    Returns:
        The paths written.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only; no display is needed
    import matplotlib.pyplot as plt

    nic_options = NICOptions() if nic_options is None else nic_options
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = {
        "compatibility": _compatibility_figure(plt, graph, name),
        "local_homophily": _local_homophily_figure(plt, graph, name),
        "nic_by_size": _nic_figure(plt, graph, name, nic_options),
    }
    # A separator in the name would put the images outside out_dir.
    file_stem = name.replace("/", "_").replace("\\", "_")
    paths = []
    for kind, figure in figures.items():
        path = out_dir / f"{file_stem}_{kind}.png"
        # An interrupted or failed save leaves no partial PNG at path.
        save = functools.partial(
            figure.savefig, format="png", dpi=120, bbox_inches="tight"
        )
        # Like --json and --csv of graphkit analyze, an image of the same name is
        # replaced, and the log line names it as replaced.
        replaced = path.is_file()
        write_atomically(path, save)
        plt.close(figure)
        paths.append(path)
        log.info("replaced %s" if replaced else "wrote %s", path)
    return paths


def _compatibility_figure(plt, graph: LabelledGraph, name: str):
    matrix = class_compatibility(graph).numpy()
    size = 2.5 + 0.35 * graph.num_classes
    figure, axes = plt.subplots(figsize=(size, size))
    image = axes.imshow(matrix, vmin=0.0, vmax=1.0, cmap="viridis")
    figure.colorbar(image, ax=axes, label="fraction of neighbours")
    axes.set_xlabel("neighbour class")
    axes.set_ylabel("node class")
    axes.set_title(f"{name}: class compatibility")
    if graph.num_classes <= 12:
        for (row, col), value in _cells(matrix):
            colour = "white" if value < 0.5 else "black"
            axes.text(col, row, f"{value:.2f}", ha="center", va="center", color=colour)
    return figure


def _cells(matrix):
    for row, values in enumerate(matrix):
        for col, value in enumerate(values):
            if not math.isnan(value):
                yield (row, col), value


def _local_homophily_figure(plt, graph: LabelledGraph, name: str):
    values = local_homophily(graph)
    values = values[~values.isnan()].numpy()
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.hist(values, bins=20, range=(0.0, 1.0), color="tab:blue", edgecolor="white")
    axes.set_xlabel("fraction of same-class neighbours")
    axes.set_ylabel("nodes")
    axes.set_title(f"{name}: per-node homophily ({values.size} nodes)")
    return figure


def _nic_figure(plt, graph: LabelledGraph, name: str, nic_options: NICOptions):
    groups = nic_by_neighbourhood_size(
        graph,
        bins=nic_options.bins,
        hops=nic_options.hops,
        correction=nic_options.correction,
    )
    figure, axes = plt.subplots(figsize=(5, 3.5))
    sizes = [math.sqrt(low * (high - 1)) for low, high, _ in groups]
    values = [estimate.value for _, _, estimate in groups]
    axes.plot(sizes, values, marker="o")
    for size, value, (_, _, estimate) in zip(sizes, values, groups):
        axes.annotate(
            f"n={estimate.num_nodes}", (size, value), fontsize=7,
            textcoords="offset points", xytext=(0, 6), ha="center",
        )  # fmt: skip
    axes.set_xscale("log", base=2)
    # Add room around the points, so that the axes do not cut off the labels of the
    # first, last and highest points.
    axes.margins(x=0.12, y=0.2)
    axes.axhline(0.0, color="grey", linewidth=0.8)
    axes.set_xlabel(
        f"neighbourhood size ({nic_options.hops}-hop, groups [2^k, 2^(k+1)))"
    )
    axes.set_ylabel("NIC")
    axes.set_title(f"{name}: NIC by neighbourhood size")
    return figure
