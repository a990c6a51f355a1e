"""Filtered ranking keeps the answers of tail and head queries apart, and counts
repeated facts once."""

import torch

from graphkit.kg.evaluate import AnswerIndex, filtered_ranks, to_tail_queries


def test_chain_filters_each_direction_alone():
    """Scenario of https://github.com/TimDettmers/ConvE/issues/18: with facts
    (0, r, 1) and (1, r, 2), a filter keyed by (entity, relation) alone marks both 0
    and 2 as known answers of (1, r, ?) and of (?, r, 1). Entity 0 is an answer only
    of the head query and entity 2 only of the tail query."""
    triples = torch.tensor([[0, 0, 1], [1, 0, 2]])
    index = AnswerIndex.build(triples, num_relations=1)
    sources, query_index, answers = to_tail_queries(triples, num_relations=1)
    # Queries: (0, r, ?), (1, r, ?), (1, r^-1, ?), (2, r^-1, ?).
    assert sources.tolist() == [0, 1, 1, 2]
    assert query_index.tolist() == [0, 0, 1, 1]
    known = index.mask(sources, query_index, num_entities=3)
    assert known.tolist() == [
        [False, True, False],
        [False, False, True],
        [True, False, False],
        [False, True, False],
    ]
    # The model prefers entity 0 for (1, r, ?). Entity 0 is not an answer of that
    # query, so it stays a competitor and the true tail 2 ranks second.
    scores = torch.tensor([[5.0, 1.0, 3.0]])
    ranks = filtered_ranks(scores, answers[1:2], known[1:2])
    assert ranks.tolist() == [2]


def test_repeated_facts_rank_from_one():
    """Scenario of https://github.com/Accenture/AmpliGraph/issues/119: a test fact that
    occurs several times in the filter set must still rank at least 1, and each other
    known answer is filtered once however often it repeats."""
    triples = torch.tensor([[0, 0, 1]] * 3 + [[0, 0, 2]] * 2)
    index = AnswerIndex.build(triples, num_relations=1)
    known = index.mask(torch.tensor([0, 0]), torch.tensor([0, 0]), num_entities=4)
    assert known.tolist() == [[False, True, True, False]] * 2
    # Query (0, r, ?) with answer 1: the known answer 2 scores higher but is filtered.
    # With answer 2, entity 1 is filtered and only entity 3 scores higher.
    scores = torch.tensor([[0.0, 1.0, 9.0, 0.5], [0.0, 1.0, 0.2, 0.5]])
    ranks = filtered_ranks(scores, torch.tensor([1, 2]), known)
    assert ranks.tolist() == [1, 2]
