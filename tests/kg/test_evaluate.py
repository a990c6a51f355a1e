"""Filtered ranking: pessimistic ties, filtering and the answer index."""

import pytest
import torch

from graphkit.kg import Ultra
from graphkit.kg.evaluate import (
    AnswerIndex,
    evaluate,
    evaluate_ranks,
    filtered_ranks,
    summarize_ranks,
    to_tail_queries,
)
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.io import LinkPredictionSet


def test_ranks_count_ties_against_the_model():
    scores = torch.tensor([[0.5, 0.9, 0.5, 0.1], [1.0, 2.0, 3.0, 4.0]])
    answers = torch.tensor([0, 3])
    known = torch.zeros(2, 4, dtype=torch.bool)
    # row 0: 0.9 > 0.5 and a tie at 0.5 -> rank 3; row 1: best score -> rank 1
    assert filtered_ranks(scores, answers, known).tolist() == [3, 1]


def test_ranks_skip_filtered_candidates():
    scores = torch.tensor([[0.5, 0.9, 0.5, 0.1]])
    known = torch.tensor(
        [[True, True, False, False]]
    )  # entity 1 is another true answer
    assert filtered_ranks(scores, torch.tensor([0]), known).tolist() == [2]


def test_summary_values():
    metrics = summarize_ranks(torch.tensor([1, 2, 4, 20]))
    assert abs(metrics["mrr"] - (1 + 0.5 + 0.25 + 0.05) / 4) < 1e-12
    assert metrics["hits@1"] == 0.25
    assert metrics["hits@3"] == 0.5
    assert metrics["hits@10"] == 0.75
    assert metrics["mr"] == 6.75


def test_tail_queries_turn_heads_into_inverse_relations():
    sources, index, answers = to_tail_queries(
        torch.tensor([[0, 1, 2]]), num_relations=3
    )
    assert sources.tolist() == [0, 2]
    assert index.tolist() == [1, 4]
    assert answers.tolist() == [2, 0]


def test_answer_index_mask():
    triples = torch.tensor([[0, 0, 1], [0, 0, 2], [3, 0, 1], [1, 1, 0]])
    index = AnswerIndex.build(triples, num_relations=2)
    sources = torch.tensor([0, 1, 1, 2])
    query = torch.tensor(
        [0, 2, 1, 0]
    )  # (0, r0, ?), (1, r0^-1, ?), (1, r1, ?), (2, r0, ?)
    mask = index.mask(sources, query, num_entities=4)
    assert mask.tolist() == [
        [False, True, True, False],
        [True, False, False, True],
        [True, False, False, False],
        [False, False, False, False],
    ]


def test_nan_answer_score_ranks_last():
    nan = float("nan")
    scores = torch.tensor([[nan, 0.9, 0.5, 0.1], [0.2, nan, 0.7, 0.1]])
    known = torch.zeros(2, 4, dtype=torch.bool)
    # Row 0: the answer's score is NaN, so all 3 others rank above it. Row 1: the NaN
    # competitor ranks below the answer's 0.7.
    ranks = filtered_ranks(scores, torch.tensor([0, 2]), known)
    assert ranks.tolist() == [4, 1]


def test_ranks_do_not_depend_on_batch_size():
    generator = torch.Generator().manual_seed(1)
    triples = torch.stack(
        [
            torch.randint(0, 30, (120,), generator=generator),
            torch.randint(0, 4, (120,), generator=generator),
            torch.randint(0, 30, (120,), generator=generator),
        ],
        dim=1,
    )
    graph = KnowledgeGraph(triples, [str(i) for i in range(30)], ["a", "b", "c", "d"])
    dataset = LinkPredictionSet(graph, triples[:10], triples, "random")
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    one_by_one = evaluate_ranks(model, dataset, batch_size=1)
    batched = evaluate_ranks(model, dataset, batch_size=7)
    assert one_by_one.numel() == 20
    assert torch.equal(one_by_one, batched)


@pytest.mark.parametrize("training", [True, False])
def test_evaluate_keeps_training_mode(training):
    graph = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    dataset = LinkPredictionSet(graph, graph.triples, graph.triples, "toy")
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1).train(training)
    evaluate(model, dataset)
    assert model.training is training
    assert all(module.training is training for module in model.modules())


def test_answer_index_huge_ids_stay_sorted():
    # With 2**32 entities, key * V + answer exceeds 2**63, so one combined sort key
    # would wrap around.
    big = 2**31
    triples = torch.tensor([[big, 0, 2**32 - 1], [1, 0, 0], [big, 0, 3]])
    index = AnswerIndex.build(triples, num_relations=1)
    assert index.keys.tolist() == [1, 2, 7, 2 * big, 2**33 - 1]
    assert index.offsets.tolist() == [0, 1, 2, 3, 5, 6]
    assert index.answers.tolist() == [1, 0, big, 3, 2**32 - 1, big]


def test_answer_index_matches_whole_query():
    # Head 0 and relation 1 occur, but never together, so (0, r1, ?) has no answers
    # even though tail 3 is an answer of another query.
    triples = torch.tensor([[0, 0, 3], [2, 1, 3]])
    index = AnswerIndex.build(triples, num_relations=2)
    mask = index.mask(torch.tensor([0, 2]), torch.tensor([1, 1]), num_entities=4)
    assert mask.tolist() == [
        [False, False, False, False],
        [False, False, False, True],
    ]


def test_summary_rejects_empty_ranks():
    with pytest.raises(ValueError, match="the evaluated set has no queries"):
        summarize_ranks(torch.zeros(0, dtype=torch.long))


def test_evaluate_names_empty_set():
    triples = torch.tensor([[0, 0, 1], [1, 0, 2]])
    graph = KnowledgeGraph(triples, ["a", "b", "c"], ["r"])
    dataset = LinkPredictionSet(graph, triples[:0], triples, "valid")
    with pytest.raises(ValueError, match="cannot evaluate valid: it has no query"):
        evaluate(Ultra(dim=8, num_layers=1), dataset)
