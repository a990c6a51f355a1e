"""Easy-edge removal, training queries and strict negatives, up to 2**32 entities."""

import pytest
import torch

from graphkit.kg import train
from graphkit.kg.evaluate import AnswerIndex
from graphkit.kg.model import FactGraph
from graphkit.kg.train import _batch_queries, sample_negatives, without_easy_edges


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
