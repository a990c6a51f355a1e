"""Relation graph: a hand-worked example and the structural identities on a random KG."""

import torch

from graphkit.kg import KnowledgeGraph, build_relation_graph


def edge_set(data, edge_type):
    keep = data.edge_type == edge_type
    return {tuple(pair) for pair in data.edge_index[:, keep].t().tolist()}


def test_relation_graph_hand_built():
    # Facts a -r0-> b, b -r1-> c; relation nodes 0=r0, 1=r1, 2=r0^-1, 3=r1^-1.
    kg = KnowledgeGraph.from_named_triples([("a", "r0", "b"), ("b", "r1", "c")])
    graph = kg.relation_graph
    assert graph.num_nodes == 4
    # heads: r0 {a}, r1 {b}, r0^-1 {b}, r1^-1 {c}; tails: r0 {b}, r1 {c}, r0^-1 {a}, r1^-1 {b}
    assert edge_set(graph, 0) == {(0, 0), (1, 1), (1, 2), (2, 1), (2, 2), (3, 3)}
    assert edge_set(graph, 1) == {(0, 0), (0, 3), (3, 0), (3, 3), (1, 1), (2, 2)}
    assert edge_set(graph, 2) == {(0, 2), (1, 0), (1, 3), (2, 0), (2, 3), (3, 1)}
    assert edge_set(graph, 3) == {(2, 0), (0, 1), (3, 1), (0, 2), (3, 2), (1, 3)}
    assert graph.edge_index.size(1) == 24


def test_relation_graph_matches_dense_products():
    generator = torch.Generator().manual_seed(3)
    num_entities, num_relations, num_facts = 12, 5, 30
    triples = torch.stack(
        [
            torch.randint(num_entities, (num_facts,), generator=generator),
            torch.randint(
                num_relations - 1, (num_facts,), generator=generator
            ),  # r4 unused
            torch.randint(num_entities, (num_facts,), generator=generator),
        ],
        1,
    )
    kg = KnowledgeGraph(
        triples,
        [f"e{i}" for i in range(num_entities)],
        [f"r{i}" for i in range(num_relations)],
    )
    heads = torch.zeros(num_entities, 2 * num_relations)
    tails = torch.zeros(num_entities, 2 * num_relations)
    heads[kg.edge_index[0], kg.edge_type] = 1
    tails[kg.edge_index[1], kg.edge_type] = 1
    expected = [
        heads.t() @ heads,
        tails.t() @ tails,
        heads.t() @ tails,
        tails.t() @ heads,
    ]
    graph = build_relation_graph(
        kg.edge_index, kg.edge_type, num_entities, 2 * num_relations
    )
    for edge_type, product in enumerate(expected):
        dense = torch.zeros_like(product)
        keep = graph.edge_type == edge_type
        dense[graph.edge_index[0, keep], graph.edge_index[1, keep]] = 1
        assert torch.equal(dense, (product > 0).float()), edge_type
    # Unused relation 4 and its inverse 9 are isolated nodes.
    assert not (graph.edge_index == 4).any()
    assert not (graph.edge_index == 9).any()
    # Each used relation is linked to its inverse by head-to-tail.
    h2t = edge_set(graph, 2)
    for r in range(num_relations - 1):
        assert (r, r + num_relations) in h2t
