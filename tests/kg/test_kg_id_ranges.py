"""Ids outside the graph are rejected by Ultra.score and evaluate, not wrapped around."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, LinkPredictionSet, Ultra, evaluate


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return Ultra(dim=4, num_layers=1)


@pytest.fixture(scope="module")
def kg():
    # 3 entities, 2 relations, so inverse relation ids are 2 and 3.
    return KnowledgeGraph(
        torch.tensor([[0, 0, 1], [1, 1, 2]]), ["a", "b", "c"], ["r", "s"]
    )


@pytest.mark.parametrize(
    "triple, role",
    [
        ([-1, 0, 1], "head"),
        ([3, 0, 1], "head"),
        ([0, 2, 1], "relation"),
        ([0, -1, 1], "relation"),
        ([0, 0, 3], "tail"),
    ],
)
def test_score_rejects_ids_outside_graph(model, kg, triple, role):
    with pytest.raises(ValueError, match=rf"{role} ids must lie in \[0, [23]\)"):
        model.score(kg, torch.tensor([triple]))


def test_score_accepts_ids_inside_graph(model, kg):
    logits = model.score(kg, torch.tensor([[0, 1, 2], [2, 0, 0]]))
    assert logits.shape == (2,)
    # predict scores every tail of a query, so it must give the same logits. All three
    # tails are scored, since this small model gives some of them equal logits.
    for head, relation in (("a", "s"), ("c", "r")):
        expected = dict(model.predict(kg, head=head, relation=relation, k=3))
        triples = [(head, relation, tail) for tail in ("a", "b", "c")]
        scores = model.score(kg, triples).tolist()
        assert scores == pytest.approx([expected[t] for _, _, t in triples], rel=1e-6)
    assert logits.tolist() == pytest.approx(
        model.score(kg, [("a", "s", "c"), ("c", "r", "a")]).tolist(), rel=1e-6
    )


@pytest.mark.parametrize(
    "queries, filter_triples, message",
    [
        ([[0, 0, 7]], [[0, 0, 1]], r"toy queries: tail ids must lie in \[0, 3\)"),
        ([[-1, 0, 1]], [[0, 0, 1]], r"toy queries: head ids must lie in \[0, 3\)"),
        ([[0, 2, 1]], [[0, 0, 1]], r"toy queries: relation ids must lie in \[0, 2\)"),
        ([[0, 0, 1]], [[0, 3, 1]], r"toy filter_triples: relation ids"),
    ],
)
def test_evaluate_rejects_ids_outside_graph(
    model, kg, queries, filter_triples, message
):
    dataset = LinkPredictionSet(
        kg, torch.tensor(queries), torch.tensor(filter_triples), "toy"
    )
    with pytest.raises(ValueError, match=message):
        evaluate(model, dataset)


def test_evaluate_rejects_float_queries(model, kg):
    dataset = LinkPredictionSet(kg, torch.tensor([[0.0, 0.0, 1.0]]), kg.triples)
    with pytest.raises(TypeError, match="integer dtype"):
        evaluate(model, dataset)


def test_evaluate_rejects_zero_batch_size(model, kg):
    dataset = LinkPredictionSet(kg, kg.triples, kg.triples)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        evaluate(model, dataset, batch_size=0)
