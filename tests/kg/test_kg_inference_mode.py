"""ULTRA predicts under torch.inference_mode() and trains on the same graph afterwards.

Reading the version counter of an inference tensor raises a RuntimeError, so the cache
of edge groupings must not read it there. A relation graph cached in inference mode
must also serve the backward pass of a later training step with plain aggregation.
The forward pass gives the same logits with autograd on and off.
"""

import copy

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra
from graphkit.kg.model import fact_graph

ENTITIES = ["a", "b", "c", "d", "e"]
RELATIONS = ["r", "s"]


def make_kg():
    # Relation r joins a-b, b-c and c-d, and s joins a-c and d-e.
    triples = torch.tensor([[0, 0, 1], [1, 0, 2], [2, 0, 3], [0, 1, 2], [3, 1, 4]])
    return KnowledgeGraph(triples, list(ENTITIES), list(RELATIONS))


def make_model(aggregation="lean"):
    torch.manual_seed(0)
    return Ultra(dim=8, num_layers=2, aggregation=aggregation).eval()


def parameter_gradients(model, kg):
    """Return the gradients of the summed logits of tail queries (a, r, ?), (b, s, ?)."""
    model.zero_grad()
    logits = model(fact_graph(kg), torch.tensor([0, 1]), torch.tensor([0, 1]))
    logits.sum().backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def test_predict_inside_inference_mode():
    model = make_model()
    with torch.inference_mode():
        inside = model.predict(make_kg(), head="a", relation="r", k=3)
    outside = model.predict(make_kg(), head="a", relation="r", k=3)
    assert [name for name, _ in inside] == [name for name, _ in outside]
    assert [logit for _, logit in inside] == [logit for _, logit in outside]


def test_score_inside_inference_mode():
    model = make_model()
    with torch.inference_mode():
        inside = model.score(make_kg(), [("a", "r", "b"), ("d", "s", "e")])
    outside = model.score(make_kg(), [("a", "r", "b"), ("d", "s", "e")])
    assert torch.equal(inside, outside)


@pytest.mark.parametrize("aggregation", ["lean", "plain"])
def test_training_after_inference_mode(aggregation):
    model = make_model(aggregation)
    reference = copy.deepcopy(model)
    kg = make_kg()
    with torch.inference_mode():
        model.predict(kg, head="a", relation="r", k=3)
    grads = parameter_gradients(model, kg)
    expected = parameter_gradients(reference, make_kg())
    assert grads.keys() == expected.keys()
    for name, grad in grads.items():
        assert torch.equal(grad, expected[name]), name


def test_triples_from_inference_mode():
    with torch.inference_mode():
        kg = make_kg()
    model = make_model()
    relation_graph = kg.relation_graph
    assert kg.relation_graph is relation_graph
    assert not relation_graph.edge_index.is_inference()
    got = model.predict(kg, head="a", relation="r", k=3)
    assert got == model.predict(make_kg(), head="a", relation="r", k=3)


def test_logits_same_with_and_without_autograd():
    # The shortcut h + layer(h) is added in place without autograd and out of place
    # with it, so both paths must give the same logits.
    model = make_model()
    graph = fact_graph(make_kg())
    sources, query_index = torch.tensor([0, 3]), torch.tensor([0, 3])
    with_grad = model(graph, sources, query_index)
    with torch.no_grad():
        without_grad = model(graph, sources, query_index)
    assert with_grad.requires_grad
    assert torch.equal(with_grad.detach(), without_grad)
