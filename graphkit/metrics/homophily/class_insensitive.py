"""Class-insensitive edge homophily (Lim et al., "Large Scale Learning on
Non-Homophilous Graphs: New Benchmarks and Strong Simple Methods", NeurIPS 2021)."""

from __future__ import annotations

import logging

from torch import Tensor

from graphkit.metrics.graph import LabelledGraph, as_labelled_graph
from graphkit.metrics.pyg_arguments import reject_pyg_arguments

log = logging.getLogger(__name__)


@reject_pyg_arguments
def class_insensitive_homophily(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    node_mask: Tensor | None = None,
    num_classes: int | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> float:
    """Compute edge homophily per class, minus the class's share of nodes, averaged.

    .. math::
        \\hat h = \\frac{1}{C - 1} \\sum_{k=0}^{C-1} \\max(0, h_k - p_k), \\qquad
        h_k = \\frac{|\\{(u, v) \\in E : y_v = k, y_u = k\\}|}
                   {|\\{(u, v) \\in E : y_v = k\\}|}, \\qquad
        p_k = \\frac{|\\{v : y_v = k\\}|}{|V|}

    ``h_k`` is 0 for a class with no incident edge; ``p_k`` counts all counted nodes,
    isolated ones included. ``C`` is ``num_classes`` (default: largest label plus one),
    so a class with no node still counts in ``C - 1``, as in
    ``torch_geometric.utils.homophily(method="edge_insensitive")``. On a directed graph
    ``h_k`` groups each edge by the class of its target, as PyG does. The reference
    code of Lim et al. (``our_measure`` in ``CUAI/Non-Homophily-Large-Scale``) groups
    it by the class of its source, so ``edge_index.flip(0)`` with ``directed=True``
    gives its value.
    Returns NaN (with a warning) when ``C < 2``, or when no edge joins two counted
    nodes, as the other homophily measures do, because every ``h_k`` is then
    undefined rather than 0. ``torch_geometric.utils.homophily`` (PyG 2.8.1) returns
    0.0 for a graph without edges.

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]`` or a built graph.
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        num_classes (int, optional): ``C``.
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``).
    """
    graph = as_labelled_graph(
        edge_index,
        y,
        node_mask=node_mask,
        num_classes=num_classes,
        directed=directed,
        self_loops=self_loops,
    )
    c = graph.num_classes
    if c < 2:
        log.warning("class-insensitive homophily is undefined for fewer than 2 classes")
        return float("nan")
    pair_counts = graph.class_pair_counts.double()
    if pair_counts.sum() == 0:
        log.warning(
            "class-insensitive homophily is undefined: no edge joins two counted nodes"
        )
        return float("nan")
    h = pair_counts.diagonal() / pair_counts.sum(dim=1).clamp(min=1)
    counts = graph.class_counts().double()
    p = counts / counts.sum()
    return float((h - p).clamp(min=0).sum() / (c - 1))
