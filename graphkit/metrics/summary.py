"""All measures of one labelled graph, computed from a single built graph."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field

from torch import Tensor

from graphkit.metrics.adjusted_homophily import adjusted_homophily
from graphkit.metrics.class_insensitive_homophily import class_insensitive_homophily
from graphkit.metrics.compatibility import class_compatibility
from graphkit.metrics.edge_homophily import edge_homophily
from graphkit.metrics.graph import MeasureOptions, build_labelled_graph
from graphkit.metrics.label_informativeness import (
    edge_label_informativeness,
    node_label_informativeness,
)
from graphkit.metrics.nic import nic_estimate
from graphkit.metrics.node_homophily import node_homophily

log = logging.getLogger(__name__)

# Column names of the comparison table, in order, with the function behind each.
SCALAR_MEASURES = {
    "edge_homophily": edge_homophily,
    "node_homophily": node_homophily,
    "class_insensitive_homophily": class_insensitive_homophily,
    "adjusted_homophily": adjusted_homophily,
    "edge_label_informativeness": edge_label_informativeness,
    "node_label_informativeness": node_label_informativeness,
}


@dataclass(frozen=True)
class NICOptions:
    """Settings of the NIC estimator; see :mod:`graphkit.metrics.nic`."""

    bins: int | None = 10
    hops: int = 1
    correction: str = "permutation"

    def describe(self) -> str:
        """Return the NIC settings as one line, for printing next to results."""
        levels = "raw counts" if self.bins is None else f"{self.bins} levels per class"
        return f"NIC: {self.hops}-hop histogram, {levels}, correction {self.correction}"


@dataclass
class GraphSummary:
    """Every measure of one graph, with the sizes and conventions behind them."""

    name: str
    num_nodes: int
    num_counted_nodes: int
    num_edges: int
    num_classes: int
    measures: dict[str, float]
    compatibility: list[list[float]]
    conventions: str
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def summarize_graph(
    edge_index: Tensor,
    y: Tensor,
    *,
    name: str = "graph",
    node_mask: Tensor | None = None,
    options: MeasureOptions | None = None,
    nic_options: NICOptions | None = None,
) -> GraphSummary:
    """Compute every measure of :mod:`graphkit.metrics` on one graph.

    ``num_edges`` counts undirected edges once on an undirected graph, and directed
    edges on a directed one, after the conventions are applied.
    """
    options = MeasureOptions() if options is None else options
    nic_options = NICOptions() if nic_options is None else nic_options
    seconds = {}
    start = time.perf_counter()
    graph = build_labelled_graph(edge_index, y, node_mask=node_mask, options=options)
    seconds["build"] = time.perf_counter() - start

    measures = {}
    for key, measure in SCALAR_MEASURES.items():
        start = time.perf_counter()
        measures[key] = measure(graph)
        seconds[key] = time.perf_counter() - start
    start = time.perf_counter()
    estimate = nic_estimate(
        graph,
        bins=nic_options.bins,
        hops=nic_options.hops,
        correction=nic_options.correction,
    )
    seconds["nic"] = time.perf_counter() - start
    measures["nic"] = estimate.value
    measures["nic_uncorrected"] = estimate.mutual_information / estimate.label_entropy
    compatibility = class_compatibility(graph)

    stored = graph.src.numel()
    if not options.directed:
        loops = int((graph.src == graph.dst).sum())
        stored = (stored - loops) // 2 + loops
    return GraphSummary(
        name=name,
        num_nodes=graph.num_nodes,
        num_counted_nodes=int(graph.mask.sum()),
        num_edges=stored,
        num_classes=graph.num_classes,
        measures=measures,
        compatibility=compatibility.tolist(),
        conventions=f"{options.describe()}; {nic_options.describe()}",
        seconds=seconds,
    )
