"""graphkit's ULTRA against a plain re-derivation in the reference code's layout.

``ultra_reference_layout`` shares no code with graphkit's model, loader, relation graph
or ranking. Agreement to float64 round-off therefore checks the boundary conditions,
the message direction, the layer norm and shortcut placement, the ``[h || q]`` scoring
input, head queries in tail form, the vocabularies and the filter.
"""

from pathlib import Path

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra
from graphkit.kg.evaluate import evaluate_ranks, to_tail_queries
from graphkit.kg.io import LinkPredictionSet, load_grail
from graphkit.kg.model import UltraNet, fact_graph

from .ultra_reference_layout import (
    ranks_reference,
    read_grail_reference,
    scores_reference,
)


def small_kg(seed: int = 5):
    """15 entities, relations 0..3 used, relation 4 in the vocabulary without facts."""
    generator = torch.Generator().manual_seed(seed)
    num_entities, num_facts = 15, 40
    heads = torch.randint(num_entities, (num_facts,), generator=generator)
    relations = torch.randint(4, (num_facts,), generator=generator)
    tails = torch.randint(num_entities, (num_facts,), generator=generator)
    triples = torch.unique(torch.stack([heads, relations, tails], 1), dim=0)
    kg = KnowledgeGraph(
        triples, [f"e{i}" for i in range(num_entities)], [f"r{i}" for i in range(5)]
    )
    data = {
        "facts": triples[:, [0, 2, 1]],
        "num_nodes": num_entities,
        "num_relations": 5,
    }
    return kg, data


def random_model(seed: int = 0) -> UltraNet:
    torch.manual_seed(seed)
    model = UltraNet(dim=8, num_layers=3, aggregation="plain").double()
    for parameter in (
        model.parameters()
    ):  # Weights larger than the default init, so the scores are not flat.
        torch.nn.init.normal_(parameter, std=0.5)
    return model.eval()


def test_scores_match_reference_layout():
    kg, data = small_kg()
    model = random_model()
    queries = kg.triples[:12]
    sources, query_index, _ = to_tail_queries(queries, kg.num_relations)
    with torch.no_grad():
        ours = model(fact_graph(kg), sources, query_index)
        theirs = scores_reference(model, data, sources, query_index)
    assert ours.shape == (24, 15)
    assert torch.allclose(ours, theirs, rtol=0, atol=1e-10), (ours - theirs).abs().max()
    # The check is not vacuous: scores vary across entities and queries.
    assert ours.std() > 0.1


def test_filtered_ranks_match_reference_layout():
    kg, data = small_kg()
    model = random_model(1)
    facts, queries = kg.triples[8:], kg.triples[:8]
    graph = KnowledgeGraph(facts, kg.entity_names, kg.relation_names)
    data = dict(data, facts=facts[:, [0, 2, 1]], targets=queries[:, [0, 2, 1]])
    dataset = LinkPredictionSet(graph, queries, torch.cat([facts, queries]))
    with torch.no_grad():
        ours = evaluate_ranks(model, dataset, batch_size=8)
        theirs = ranks_reference(model, data, batch_size=8)
    assert torch.equal(ours, theirs), (ours, theirs)


@pytest.mark.realdata
def test_nell_v1_matches_reference_layout(shared_data):
    root = Path(shared_data) / "kg"
    split = load_grail(root, "nell_v1")
    graph = split.test.graph
    reference = read_grail_reference(root, "nell_v1")
    assert graph.entity_names == reference["entity_names"]
    assert graph.relation_names == reference["relation_names"]

    model = Ultra.from_pretrained(shared_data / "ultra" / "ultra_3g.pth").double()
    sources, query_index, _ = to_tail_queries(split.test.queries[:8], 14)
    with torch.no_grad():
        ours = model(fact_graph(graph), sources, query_index)
        theirs = scores_reference(model, reference, sources, query_index)
    assert torch.allclose(ours, theirs, rtol=0, atol=1e-9), (ours - theirs).abs().max()


@pytest.mark.realdata
def test_inverse_offset_is_transductive_vocabulary(shared_data):
    # WN18RR_v1: 9 relations in train/valid, 8 of them in the inference graph.
    split = load_grail(Path(shared_data) / "kg", "WN18RR_v1")
    graph = split.test.graph
    assert graph.num_relations == 9
    assert len(torch.unique(graph.triples[:, 1])) == 8
    assert graph.relation_graph.num_nodes == 18
    assert int(graph.edge_type.max()) >= 9  # inverse ids start at R = 9
