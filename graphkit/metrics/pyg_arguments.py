"""Clear errors for the arguments of PyG's ``torch_geometric.utils.homophily``.

PyG (2.8) selects the measure with ``method=`` and returns one value per graph with
``batch=``. graphkit has one function per measure and returns one value, so these
arguments raise TypeError naming the call that gives PyG's value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

Measure = TypeVar("Measure", bound=Callable[..., float])

# The graphkit call that returns PyG's value for each ``method`` on a graph without
# duplicate edges. PyG counts each copy of an edge, and graphkit merges them.
# tests/metrics/test_metrics_pyg_arguments.py runs each call against PyG's.
PYG_METHOD_CALLS = {
    "edge": "edge_homophily(edge_index, y, directed=True, self_loops=True)",
    "node": "node_homophily(edge_index, y, directed=True, self_loops=True, "
    "isolated='zero')",
    "edge_insensitive": "class_insensitive_homophily(edge_index, y, directed=True, "
    "self_loops=True)",
}


def _method_message(name: str, method) -> str:
    call = PYG_METHOD_CALLS.get(method)
    if call is None:
        pairs = PYG_METHOD_CALLS.items()
        calls = "; ".join(f"{key!r}: {value}" for key, value in pairs)
        target = f"PyG's methods map to these calls: {calls}"
    else:
        target = f"PyG's homophily(edge_index, y, method={method!r}) equals {call}"
    return (
        f"{name}() has no method argument, because each graphkit measure is its own "
        f"function. {target}. The result is a float rather than a tensor, and it "
        "differs from PyG's on a graph with duplicate edges, which graphkit counts once"
    )


def _batch_message(name: str) -> str:
    return (
        f"{name}() has no batch argument, because it returns one value for the whole "
        "graph, where PyG's homophily(edge_index, y, batch) returns one value per "
        "graph. Call it once per graph, for example on each batch.get_example(i) of a "
        "PyG Batch, or pass the whole Batch for one value over all its graphs"
    )


def reject_pyg_arguments(measure: Measure) -> Measure:
    """Wrap ``measure`` so that PyG's ``method`` and ``batch`` arguments raise.

    A third positional argument is PyG's ``batch`` and raises too, because graphkit
    takes every option after ``y`` by keyword.
    """
    name = measure.__name__

    @functools.wraps(measure)
    def checked(*args, **kwargs):
        if "method" in kwargs:
            raise TypeError(_method_message(name, kwargs["method"]))
        if "batch" in kwargs or len(args) > 2:
            raise TypeError(_batch_message(name))
        return measure(*args, **kwargs)

    return checked
