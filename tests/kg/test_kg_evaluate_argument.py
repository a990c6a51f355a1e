"""evaluate() given a whole split or a graph names the query set to pass."""

import pytest
import torch
from graphkit.kg import evaluate
from graphkit.kg.evaluate import evaluate_ranks
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.io import InductiveSplit, LinkPredictionSet

GRAPH = KnowledgeGraph(torch.tensor([[0, 0, 1], [1, 0, 2]]), ["a", "b", "c"], ["r"])
QUERIES = LinkPredictionSet(GRAPH, GRAPH.triples, GRAPH.triples, name="toy/test")

CASES = {
    "split": (InductiveSplit(QUERIES, QUERIES, "toy"), r"got InductiveSplit\. Pass split\.test"),
    "graph": (GRAPH, r"got KnowledgeGraph\. A graph has no queries to rank"),
    "list": ([("a", "r", "b")], r"got list\. Pass a query set"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("function", [evaluate, evaluate_ranks])
def test_non_query_set_rejected(case, function):
    dataset, message = CASES[case]
    # The model is never reached: the check runs before any scoring.
    with pytest.raises(TypeError, match=message):
        function(torch.nn.Linear(1, 1), dataset)
