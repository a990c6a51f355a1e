"""Edge homophily (Zhu et al., "Beyond Homophily in Graph Neural Networks", NeurIPS 2020)."""

from __future__ import annotations

import logging

from torch import Tensor

from graphkit.metrics.graph import LabelledGraph, as_labelled_graph
from graphkit.metrics.pyg_arguments import reject_pyg_arguments

log = logging.getLogger(__name__)


@reject_pyg_arguments
def edge_homophily(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    node_mask: Tensor | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> float:
    """Compute the fraction of edges that join two nodes of the same class.

    .. math::
        h_{edge} = \\frac{|\\{(u, v) \\in E : y_u = y_v\\}|}{|E|}

    On an undirected graph each edge is stored in both directions, which leaves the
    ratio unchanged. Returns NaN (with a warning) when no edge joins two counted nodes.

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]``, or a graph built by
            :func:`graphkit.metrics.build_labelled_graph` (then pass nothing else).
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``).
    """
    graph = as_labelled_graph(
        edge_index, y, node_mask=node_mask, directed=directed, self_loops=self_loops
    )
    if graph.src.numel() == 0:
        log.warning("edge homophily is undefined: no edge joins two counted nodes")
        return float("nan")
    # Python integers, so the ratio is exact to float64 (int64 tensors divide in float32).
    counts = graph.class_pair_counts
    return int(counts.trace()) / int(counts.sum())
