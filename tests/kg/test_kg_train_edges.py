"""Easy-edge removal, training queries and strict negatives, up to 2**32 entities."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, train
from graphkit.kg.evaluate import AnswerIndex
from graphkit.kg.model import FactGraph
from graphkit.kg.train import (
    TrainConfig,
    _batch_queries,
    _GraphState,
    sample_negatives,
    train_step,
    without_easy_edges,
)


def fact_graph_of(edges: list[tuple[int, int, int]], num_entities: int) -> FactGraph:
    """Build a one-relation fact graph from ``(source, type, target)`` edges."""
    columns = torch.tensor(edges).T
    return FactGraph(columns[[0, 2]], columns[1], num_entities, 1, None)


@pytest.mark.parametrize("num_entities", [10, 2**32])
def test_easy_edges_removed_exactly(num_entities):
    # With 2**32 entities, (source * 2R + type) * V + target wraps around 2**64, so
    # sources 5 and 5 + 2**31 would get the same number.
    other = 5 + 2**31 if num_entities > 10 else 6
    edges = [(5, 0, 7), (7, 1, 5), (other, 0, 7), (7, 1, other), (5, 0, 8)]
    graph = fact_graph_of(edges, num_entities)
    reduced = without_easy_edges(graph, torch.tensor([[5, 0, 7]]))
    kept = torch.stack(
        [reduced.edge_index[0], reduced.edge_type, reduced.edge_index[1]]
    ).T.tolist()
    assert kept == [[other, 0, 7], [7, 1, other], [5, 0, 8]]


def test_strict_negatives_beyond_multinomial_limit():
    # torch.multinomial accepts at most 2**24 categories.
    num_entities = 2**24 + 3
    triples = torch.tensor([[0, 0, 1], [0, 0, num_entities - 1]])
    known = AnswerIndex.build(triples, num_relations=1)
    negatives = sample_negatives(
        torch.tensor([0, 1]),
        torch.tensor([0, 1]),
        num_entities,
        64,
        known,
        torch.Generator().manual_seed(0),
    )
    assert negatives.shape == (2, 64)
    # (0, r, ?) has the answers 1 and V - 1, and (1, r^-1, ?) has the answer 0.
    assert not torch.isin(negatives[0], torch.tensor([1, num_entities - 1])).any()
    assert not (negatives[1] == 0).any()
    assert negatives.max() < num_entities


def test_batch_queries_second_half_inverse():
    # With R = 3, the first half are tail queries (h, r, ?) and the second half head
    # queries, run as (t, r + 3, ?).
    facts = torch.tensor([[0, 1, 5], [2, 0, 6], [3, 2, 7], [4, 1, 8]])
    sources, query_index, answers = _batch_queries(facts, 3)
    assert sources.tolist() == [0, 2, 7, 8]
    assert query_index.tolist() == [1, 0, 5, 4]
    assert answers.tolist() == [5, 6, 3, 4]


def test_strict_negatives_all_entities_known():
    # Every entity of the 2-entity graph is a known answer of (0, r, ?), so the draws
    # fall back to uniform ones instead of failing.
    known = AnswerIndex.build(torch.tensor([[0, 0, 0], [0, 0, 1]]), num_relations=1)
    negatives = sample_negatives(
        torch.tensor([0]),
        torch.tensor([0]),
        2,
        200,
        known,
        torch.Generator().manual_seed(0),
    )
    assert negatives.shape == (1, 200)
    assert set(negatives.flatten().tolist()) == {0, 1}


def test_rejection_sampling_avoids_known_answers(monkeypatch):
    # A limit of 0 categories sends even this 5-entity graph to the rejection sampler.
    monkeypatch.setattr(train, "MULTINOMIAL_MAX_CATEGORIES", 0)
    known = AnswerIndex.build(
        torch.tensor([[0, 0, 1], [0, 0, 2], [3, 0, 0]]), num_relations=1
    )
    negatives = sample_negatives(
        torch.tensor([0, 0]),
        torch.tensor([0, 1]),
        5,
        300,
        known,
        torch.Generator().manual_seed(0),
    )
    # (0, r, ?) has the answers 1 and 2, and (0, r^-1, ?) has the answer 3.
    assert set(negatives[0].tolist()) == {0, 3, 4}
    assert set(negatives[1].tolist()) == {0, 1, 2, 4}


class RecordingUltra(Ultra):
    """Ultra model that records the graph and the candidates of every forward call."""

    def __init__(self) -> None:
        super().__init__(dim=4, num_layers=1)
        self.calls = []

    def forward(self, graph, sources, query_index, candidates=None):
        self.calls.append((graph, candidates))
        return super().forward(graph, sources, query_index, candidates)


def star_graph() -> KnowledgeGraph:
    """Return the graph of the facts (a, r, x) for x in b, c, d and e."""
    return KnowledgeGraph.from_named_triples([("a", "r", x) for x in "bcde"])


def test_train_step_draws_strict_negatives():
    # The tail queries (a, r, ?) have every entity but a as an answer, and the head
    # queries (x, r^-1, ?) have only a.
    model = RecordingUltra()
    config = TrainConfig(batch_size=4, num_negatives=32, strict_negatives=True)
    state = _GraphState(star_graph(), torch.device("cpu"), config.strict_negatives)
    train_step(model, state, config, torch.Generator().manual_seed(0))
    _, candidates = model.calls[0]
    negatives = candidates[:, 1:]
    assert negatives[:2].unique().tolist() == [0]
    assert not (negatives[2:] == 0).any()


@pytest.mark.parametrize("remove", [True, False])
def test_train_step_removes_batch_facts(remove):
    kg = star_graph()
    model = RecordingUltra()
    config = TrainConfig(batch_size=2, num_negatives=2, remove_easy_edges=remove)
    state = _GraphState(kg, torch.device("cpu"), config.strict_negatives)
    train_step(model, state, config, torch.Generator().manual_seed(0))
    # train_step draws the batch first, so the same seed gives the same facts.
    picks = torch.randint(
        kg.num_facts, (2,), generator=torch.Generator().manual_seed(0)
    )
    expected = state.tensors
    if remove:
        expected = without_easy_edges(state.tensors, kg.triples[picks])
        assert expected.edge_index.size(1) < state.tensors.edge_index.size(1)
    graph, _ = model.calls[0]
    assert torch.equal(graph.edge_index, expected.edge_index)
    assert torch.equal(graph.edge_type, expected.edge_type)
