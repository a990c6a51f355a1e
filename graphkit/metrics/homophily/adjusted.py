"""Adjusted homophily (Platonov et al., "Characterizing Graph Datasets for Node
Classification: Homophily-Heterophily Dichotomy and Beyond", NeurIPS 2023)."""

from __future__ import annotations

import logging

from torch import Tensor

from graphkit.metrics.compatibility import class_edge_counts
from graphkit.metrics.graph import LabelledGraph, as_labelled_graph
from graphkit.metrics.pyg_arguments import reject_pyg_arguments

log = logging.getLogger(__name__)


@reject_pyg_arguments
def adjusted_homophily(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    node_mask: Tensor | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> float:
    """Compute edge homophily corrected for the agreement expected by chance.

    .. math::
        h_{adj} = \\frac{h_{edge} - \\sum_k \\bar p^{in}_k \\bar p^{out}_k}
                       {1 - \\sum_k \\bar p^{in}_k \\bar p^{out}_k}

    where ``p^in_k`` (``p^out_k``) is the fraction of edges whose target (source) has
    class ``k``. On an undirected graph both equal the degree-weighted class
    distribution ``D_k / 2|E|`` of Platonov et al., and the sum is ``sum_k p_k^2``.
    The value is 0 in expectation when labels are independent of the edges, 1 for a
    perfectly homophilous graph, and can be negative. Returns NaN (with a warning)
    when there is no edge or all edge ends share one class.

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]`` or a built graph.
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``).
    """
    graph = as_labelled_graph(
        edge_index, y, node_mask=node_mask, directed=directed, self_loops=self_loops
    )
    counts = class_edge_counts(graph).double()
    total = counts.sum()
    if total == 0:
        log.warning("adjusted homophily is undefined: no edge joins two counted nodes")
        return float("nan")
    h_edge = counts.trace() / total
    chance = (counts.sum(dim=1) / total * counts.sum(dim=0) / total).sum()
    if float(chance) >= 1.0:
        log.warning(
            "adjusted homophily is undefined: every edge end has the same class"
        )
        return float("nan")
    return float((h_edge - chance) / (1 - chance))
