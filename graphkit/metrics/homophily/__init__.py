"""Homophily measures: the share of edges or neighbours that join nodes of one class.

Each measure has its own submodule, named after the variant (``edge``, ``node``,
``class_insensitive``, ``adjusted``), so no submodule shares a name with a function.
"""

from graphkit.metrics.homophily.adjusted import adjusted_homophily
from graphkit.metrics.homophily.class_insensitive import class_insensitive_homophily
from graphkit.metrics.homophily.edge import edge_homophily
from graphkit.metrics.homophily.node import local_homophily, node_homophily

__all__ = [
    "adjusted_homophily",
    "class_insensitive_homophily",
    "edge_homophily",
    "local_homophily",
    "node_homophily",
]
