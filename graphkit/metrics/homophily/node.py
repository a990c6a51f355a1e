"""Node homophily (Pei et al., "Geom-GCN", ICLR 2020) and its per-node values."""

from __future__ import annotations

import logging

from torch import Tensor

from graphkit.metrics.graph import (
    LabelledGraph,
    as_labelled_graph,
    require_labelled_graph,
)
from graphkit.metrics.pyg_arguments import reject_pyg_arguments

log = logging.getLogger(__name__)


def local_homophily(graph: LabelledGraph) -> Tensor:
    """Compute each node's fraction of neighbours that share its label.

    .. math::
        h_v = \\frac{|\\{u \\in N(v) : y_u = y_v\\}|}{|N(v)|}

    Returns:
        float64 ``[N]``: ``h_v`` for counted nodes with at least one counted neighbour,
        NaN for the others (isolated or not counted).
    """
    graph = require_labelled_graph(graph, "local_homophily")
    hits = graph.same_class_in_degree.double()
    degree = graph.in_degree
    values = hits / degree.clamp(min=1)
    values[(degree == 0) | ~graph.mask] = float("nan")
    return values


@reject_pyg_arguments
def node_homophily(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    node_mask: Tensor | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
    isolated: str | None = None,
) -> float:
    """Compute the average over nodes of the fraction of same-class neighbours.

    .. math::
        h_{node} = \\frac{1}{|V'|} \\sum_{v \\in V'} h_v, \\qquad
        h_v = \\frac{|\\{u \\in N(v) : y_u = y_v\\}|}{|N(v)|}

    ``V'`` is the set of counted nodes with a neighbour (``isolated="exclude"``, the
    default, as in Pei et al.) or all counted nodes with ``h_v = 0`` for isolated
    ones (``isolated="zero"``, as ``torch_geometric.utils.homophily``). On a directed
    graph ``N(v)`` are the in-neighbours.

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]`` or a built graph.
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``).
        isolated (str, optional): ``"exclude"`` (default) or ``"zero"``.
    """
    graph = as_labelled_graph(
        edge_index,
        y,
        node_mask=node_mask,
        directed=directed,
        self_loops=self_loops,
        isolated=isolated,
    )
    values = local_homophily(graph)
    if graph.options.isolated == "zero":
        values = values[graph.mask].nan_to_num(0.0)
    else:
        values = values[~values.isnan()]
    if values.numel() == 0:
        log.warning("node homophily is undefined: no counted node has a neighbour")
        return float("nan")
    return float(values.mean())
