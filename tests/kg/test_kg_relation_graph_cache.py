"""KnowledgeGraph.relation_graph follows changes to the facts after first use."""

import torch

from graphkit.kg import KnowledgeGraph, build_relation_graph


def expected(kg):
    return build_relation_graph(
        kg.edge_index, kg.edge_type, kg.num_entities, 2 * kg.num_relations
    )


def same_graph(left, right):
    return torch.equal(left.edge_index, right.edge_index) and torch.equal(
        left.edge_type, right.edge_type
    )


def make_kg():
    # r joins a-b, s joins c-d: the two relations share no entity.
    triples = torch.tensor([[0, 0, 1], [2, 1, 3]])
    return KnowledgeGraph(triples, ["a", "b", "c", "d"], ["r", "s"])


def test_cached_graph_reused():
    kg = make_kg()
    assert kg.relation_graph is kg.relation_graph


def test_reassigned_triples_rebuild():
    kg = make_kg()
    before = kg.relation_graph
    kg.triples = torch.tensor([[0, 0, 1], [1, 1, 3]])  # s now starts where r ends
    assert not same_graph(kg.relation_graph, before)
    assert same_graph(kg.relation_graph, expected(kg))


def test_in_place_edit_rebuilds():
    kg = make_kg()
    before = kg.relation_graph
    kg.triples[1, 0] = 1
    assert not same_graph(kg.relation_graph, before)
    assert same_graph(kg.relation_graph, expected(kg))
