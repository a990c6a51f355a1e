"""All measures of one labelled graph, computed from a single built graph."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from graphkit.field_docs import FieldsDocstring
from graphkit.metrics.compatibility import class_compatibility
from graphkit.metrics.graph import LabelledGraph, require_labelled_graph
from graphkit.metrics.homophily.adjusted import adjusted_homophily
from graphkit.metrics.homophily.class_insensitive import class_insensitive_homophily
from graphkit.metrics.homophily.edge import edge_homophily
from graphkit.metrics.homophily.node import node_homophily
from graphkit.metrics.informativeness import (
    edge_label_informativeness,
    node_label_informativeness,
)
from graphkit.metrics.neighbourhood_information import nic_estimate

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
    """Settings of the NIC estimator (:mod:`graphkit.metrics.neighbourhood_information`)."""

    bins: int | None = 10
    """Levels per class of the neighbour label histogram: each class fraction is
    rounded to a multiple of ``1 / bins``. None keeps the raw neighbour counts, so the
    neighbourhood size becomes part of the symbol."""
    hops: int = 1
    """Neighbourhood radius K: the histogram counts the nodes 1 to K in-edges away."""
    correction: str = "permutation"
    """Bias correction of the mutual information: ``"permutation"`` subtracts its exact
    expectation under a random permutation of the labels, ``"none"`` keeps the plug-in
    estimate."""

    def describe(self) -> str:
        """Return the NIC settings as one line, for printing next to results."""
        levels = "raw counts" if self.bins is None else f"{self.bins} levels per class"
        return f"NIC: {self.hops}-hop histogram, {levels}, correction {self.correction}"


# help(NICOptions) lists each field with the docstring written under it.
NICOptions.__doc__ = FieldsDocstring(NICOptions.__doc__)


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
    graph: LabelledGraph,
    *,
    name: str = "graph",
    nic_options: NICOptions | None = None,
) -> GraphSummary:
    """Compute every measure of :mod:`graphkit.metrics` on one built graph.

    ``num_edges`` counts an undirected edge once on an undirected graph, and each
    directed edge on a directed one, after the conventions are applied.
    """
    graph = require_labelled_graph(graph, "summarize_graph")
    nic_options = NICOptions() if nic_options is None else nic_options
    seconds = {}
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
    measures["nic_uncorrected"] = (
        estimate.mutual_information / estimate.label_entropy
        if estimate.label_entropy > 0
        else float("nan")
    )
    compatibility = class_compatibility(graph)

    num_edges = graph.src.numel()
    if not graph.options.directed:
        loops = int((graph.src == graph.dst).sum())
        num_edges = (num_edges - loops) // 2 + loops
    return GraphSummary(
        name=name,
        num_nodes=graph.num_nodes,
        num_counted_nodes=int(graph.mask.sum()),
        num_edges=num_edges,
        num_classes=graph.num_classes,
        measures=measures,
        compatibility=compatibility.tolist(),
        conventions=f"{graph.options.describe()}; {nic_options.describe()}",
        seconds=seconds,
    )
