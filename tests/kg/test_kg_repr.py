"""Printing a knowledge graph or a query set shows counts, not every name."""

import torch
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.io import InductiveSplit, LinkPredictionSet


def _graph() -> KnowledgeGraph:
    triples = torch.tensor([[0, 0, 1], [1, 1, 2]])
    names = [f"entity_{k}" for k in range(3)]
    return KnowledgeGraph(triples, names, ["likes", "knows"])


def test_graph_repr_counts():
    assert repr(_graph()) == (
        "KnowledgeGraph(num_entities=3, num_relations=2, num_facts=2)"
    )


def test_query_set_repr_counts():
    graph = _graph()
    queries = LinkPredictionSet(graph, graph.triples[:1], graph.triples, name="toy/test")
    assert repr(queries) == (
        "LinkPredictionSet(name='toy/test', graph=KnowledgeGraph(num_entities=3, "
        "num_relations=2, num_facts=2), num_queries=1, num_filter_triples=2)"
    )


def test_split_repr_omits_names():
    graph = _graph()
    queries = LinkPredictionSet(graph, graph.triples, graph.triples, name="toy")
    text = repr(InductiveSplit(queries, queries, "toy"))
    assert "entity_0" not in text
    assert "num_queries=2" in text
