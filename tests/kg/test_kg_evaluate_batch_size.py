"""evaluate() rejects a batch size that is not a whole number by name."""

import pytest
import torch

from graphkit.kg import Ultra, evaluate
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.io import LinkPredictionSet

GRAPH = KnowledgeGraph(torch.tensor([[0, 0, 1], [1, 0, 2]]), ["a", "b", "c"], ["r"])
QUERIES = LinkPredictionSet(GRAPH, GRAPH.triples, GRAPH.triples, name="toy/test")


@pytest.mark.parametrize("batch_size", [4.0, "8", True])
def test_non_integer_batch_size_named(batch_size):
    with pytest.raises(TypeError, match=r"batch_size must be a whole number, got "):
        evaluate(Ultra(dim=4, num_layers=1), QUERIES, batch_size=batch_size)


def test_numpy_integer_batch_size_accepted():
    numpy = pytest.importorskip("numpy")
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    expected = evaluate(model, QUERIES, batch_size=2)
    assert evaluate(model, QUERIES, batch_size=numpy.int64(2)) == expected
