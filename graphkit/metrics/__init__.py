"""Dataset analysis: homophily, label informativeness and NIC of labelled graphs.

Every measure takes ``edge_index`` and ``y`` with the same options (``directed``,
``self_loops``, ``node_mask``), or a :class:`LabelledGraph` built once with
:func:`build_labelled_graph` to share the preprocessing between measures.
"""

from graphkit.metrics.compatibility import class_compatibility, class_edge_counts
from graphkit.metrics.graph import (
    LabelledGraph,
    MeasureOptions,
    as_labelled_graph,
    build_labelled_graph,
)
from graphkit.metrics.homophily import (
    adjusted_homophily,
    class_insensitive_homophily,
    edge_homophily,
    local_homophily,
    node_homophily,
)
from graphkit.metrics.informativeness import (
    edge_label_informativeness,
    label_informativeness,
    node_label_informativeness,
)
from graphkit.metrics.neighbourhood_information import (
    NICEstimate,
    discretise_histograms,
    neighbour_label_counts,
    nic,
    nic_by_neighbourhood_size,
    nic_estimate,
)
from graphkit.metrics.summary import GraphSummary, NICOptions, summarize_graph

__all__ = [
    "GraphSummary",
    "LabelledGraph",
    "MeasureOptions",
    "NICEstimate",
    "NICOptions",
    "adjusted_homophily",
    "as_labelled_graph",
    "build_labelled_graph",
    "class_compatibility",
    "class_edge_counts",
    "class_insensitive_homophily",
    "discretise_histograms",
    "edge_homophily",
    "edge_label_informativeness",
    "label_informativeness",
    "local_homophily",
    "neighbour_label_counts",
    "nic",
    "nic_by_neighbourhood_size",
    "nic_estimate",
    "node_homophily",
    "node_label_informativeness",
    "summarize_graph",
]
