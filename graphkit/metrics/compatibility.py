"""Class compatibility matrix (Zhu et al., "Beyond Homophily in Graph Neural Networks",
NeurIPS 2020): how often a node of one class has a neighbour of another."""

from __future__ import annotations

from torch import Tensor

from graphkit.metrics.graph import (
    LabelledGraph,
    as_labelled_graph,
    require_labelled_graph,
)


def class_edge_counts(graph: LabelledGraph) -> Tensor:
    """Count edges by the classes of their ends.

    Returns:
        int64 ``[C, C]``: entry ``[k, l]`` is the number of edges ``u -> v`` with
        ``y_v = k`` (target) and ``y_u = l`` (neighbour). Undirected graphs count
        each edge once in each direction, so the matrix is symmetric.
    """
    graph = require_labelled_graph(graph, "class_edge_counts")
    # A copy, because the other measures of this graph read the cached table.
    return graph.class_pair_counts.clone()


def class_compatibility(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    node_mask: Tensor | None = None,
    num_classes: int | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> Tensor:
    """Compute the class compatibility matrix ``H``.

    .. math::
        H_{kl} = \\frac{|\\{(u, v) \\in E : y_v = k, y_u = l\\}|}
                      {|\\{(u, v) \\in E : y_v = k\\}|}

    Row ``k`` is the class distribution of the neighbours of class-``k`` nodes, so
    each row sums to 1; a class without incident edges gets a row of NaN. The
    diagonal of a homophilous graph is large.

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]`` or a built graph.
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        num_classes (int, optional): ``C`` (default: largest label plus one).
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``).

    Returns:
        float64 ``[C, C]``.
    """
    graph = as_labelled_graph(
        edge_index,
        y,
        node_mask=node_mask,
        num_classes=num_classes,
        directed=directed,
        self_loops=self_loops,
    )
    counts = class_edge_counts(graph).double()
    return counts / counts.sum(dim=1, keepdim=True)
