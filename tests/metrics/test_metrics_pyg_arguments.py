"""PyG's homophily ``method`` and ``batch`` arguments raise TypeError naming the fix."""

import pytest
import torch
from torch_geometric.utils import homophily as pyg_homophily

from graphkit.metrics import (
    adjusted_homophily,
    class_insensitive_homophily,
    edge_homophily,
    node_homophily,
)
from graphkit.metrics.pyg_arguments import PYG_METHOD_CALLS

MEASURES = [
    edge_homophily,
    node_homophily,
    class_insensitive_homophily,
    adjusted_homophily,
]
# Directed, with a self-loop (2 -> 2), an edge in both directions (0 -> 3, 3 -> 0) and
# an isolated node (5). PyG counts each copy of a duplicate edge, so this graph has
# none.
EDGES = torch.tensor([[0, 1, 2, 3, 2, 0, 3], [1, 2, 0, 4, 2, 3, 0]])
LABELS = torch.tensor([0, 1, 0, 2, 2, 1])


@pytest.mark.parametrize("method", sorted(PYG_METHOD_CALLS))
def test_named_call_matches_pyg(method):
    namespace = {
        "edge_index": EDGES,
        "y": LABELS,
        "edge_homophily": edge_homophily,
        "node_homophily": node_homophily,
        "class_insensitive_homophily": class_insensitive_homophily,
    }
    value = eval(PYG_METHOD_CALLS[method], namespace)
    expected = float(pyg_homophily(EDGES, LABELS, method=method))
    assert expected > 0  # a zero would also come from a measure that found no edge
    assert value == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
def test_method_argument_names_call(measure):
    with pytest.raises(TypeError, match="has no method argument") as error:
        measure(EDGES, LABELS, method="node")
    assert PYG_METHOD_CALLS["node"] in str(error.value)


def test_unknown_method_lists_all_calls():
    with pytest.raises(TypeError) as error:
        edge_homophily(EDGES, LABELS, method="nodes")
    for call in PYG_METHOD_CALLS.values():
        assert call in str(error.value)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda f: f.__name__)
def test_batch_argument_raises(measure):
    batch = torch.zeros(6, dtype=torch.long)
    with pytest.raises(TypeError, match="has no batch argument"):
        measure(EDGES, LABELS, batch=batch)
    with pytest.raises(TypeError, match="has no batch argument"):
        measure(EDGES, LABELS, batch)


def test_wrapped_measure_keeps_name_and_value():
    assert edge_homophily.__name__ == "edge_homophily"
    # By default the self-loop is dropped and 0 -> 3, 3 -> 0 merge into one pair, so the
    # pairs are 0-1, 1-2, 2-0, 3-4 and 0-3. Only 2-0 and 3-4 join nodes of one class.
    assert edge_homophily(EDGES, LABELS) == 0.4
