"""ULTRA on entities and relations without facts: finite, deterministic, uninformed.

The properties checked here follow from the forward pass (see
:mod:`graphkit.kg.query_names`): a relation without facts is an isolated node of the
relation graph, and an entity without facts receives and sends no messages. The
loaders' ranks are also compared with ``ultra_reference_layout``, which numbers the
files as ULTRA's loaders do and shares no code with graphkit.
"""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, evaluate_ranks, load_dataset
from graphkit.kg.evaluate import AnswerIndex, to_tail_queries
from graphkit.kg.model import UltraNet, fact_graph

from .test_kg_query_names import write_files, write_grail
from .ultra_reference_layout import (
    ranks_reference,
    read_grail_reference,
    read_transductive_reference,
)

# Entities 0..5 and relations 0..2 have facts.
# Entities 6, 7 and relations 3, 4 have none.
FACTS = [
    [0, 0, 1],
    [1, 0, 2],
    [2, 1, 3],
    [3, 2, 4],
    [4, 1, 5],
    [5, 2, 0],
    [1, 1, 4],
    [0, 2, 3],
]
NUM_ENTITIES, NUM_RELATIONS = 8, 5
WITH_FACTS = list(range(6))


def sparse_kg() -> KnowledgeGraph:
    return KnowledgeGraph(
        torch.tensor(FACTS),
        [f"e{i}" for i in range(NUM_ENTITIES)],
        [f"r{i}" for i in range(NUM_RELATIONS)],
    )


def random_model(seed: int = 0, aggregation: str = "plain") -> UltraNet:
    torch.manual_seed(seed)
    model = UltraNet(dim=8, num_layers=3, aggregation=aggregation).double()
    # Weights larger than the default initialisation, so that scores are not flat.
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    return model.eval()


def scores(model, graph, sources, query_index):
    with torch.no_grad():
        return model(
            fact_graph(graph), torch.as_tensor(sources), torch.as_tensor(query_index)
        )


@pytest.mark.parametrize("aggregation", ["plain", "lean"])
def test_scores_finite_and_deterministic(aggregation):
    graph = sparse_kg()
    model = random_model(aggregation=aggregation)
    # Every (source, relation) pair, in both directions: 8 x 10 tail-form queries.
    sources = [s for s in range(NUM_ENTITIES) for _ in range(2 * NUM_RELATIONS)]
    query_index = list(range(2 * NUM_RELATIONS)) * NUM_ENTITIES
    first = scores(model, graph, sources, query_index)
    second = scores(model, graph, sources, query_index)
    assert first.shape == (80, NUM_ENTITIES)
    assert bool(torch.isfinite(first).all())
    assert torch.equal(first, second)


def test_lean_and_plain_agree_without_facts():
    graph = sparse_kg()
    sources = [6, 7, 0, 0, 6]
    query_index = [3, 8, 3, 9, 0]
    plain = scores(random_model(aggregation="plain"), graph, sources, query_index)
    lean = scores(random_model(aggregation="lean"), graph, sources, query_index)
    torch.testing.assert_close(lean, plain, rtol=0, atol=1e-12)


@pytest.mark.parametrize("source", range(NUM_ENTITIES))
def test_relations_without_facts_score_alike(source):
    graph = sparse_kg()
    model = random_model()
    # Tail queries on r3 and r4, then head queries (r + R) on them, then r0.
    out = scores(model, graph, [source] * 5, [3, 4, 8, 9, 0])
    torch.testing.assert_close(out[0], out[1], rtol=0, atol=1e-12)
    torch.testing.assert_close(out[2], out[3], rtol=0, atol=1e-12)
    # Not vacuous: a relation with facts gives different scores.
    assert (out[4] - out[0]).abs().max() > 1e-3


def test_entities_without_facts_tie():
    graph = sparse_kg()
    model = random_model()
    sources = [s for s in WITH_FACTS for _ in range(2 * NUM_RELATIONS)]
    query_index = list(range(2 * NUM_RELATIONS)) * len(WITH_FACTS)
    out = scores(model, graph, sources, query_index)
    # e6 and e7 get one score per query.
    torch.testing.assert_close(out[:, 6], out[:, 7], rtol=0, atol=1e-12)
    # That score depends on the query relation only, not on the source.
    by_relation = out[:, 6].reshape(len(WITH_FACTS), 2 * NUM_RELATIONS)
    for row in by_relation[1:]:
        torch.testing.assert_close(row, by_relation[0], rtol=0, atol=1e-12)
    # Not vacuous: the relations give different scores.
    assert by_relation[0].std() > 1e-3


def test_source_without_facts_informs_nothing():
    graph = sparse_kg()
    model = random_model()
    query_index = list(range(2 * NUM_RELATIONS))
    from_e6 = scores(model, graph, [6] * 10, query_index)
    from_e7 = scores(model, graph, [7] * 10, query_index)
    # The entities with facts score the same whichever of e6, e7 is the source.
    torch.testing.assert_close(
        from_e6[:, WITH_FACTS], from_e7[:, WITH_FACTS], rtol=0, atol=1e-12
    )
    # Not vacuous: a source with facts changes them.
    from_e0 = scores(model, graph, [0] * 10, query_index)
    assert (from_e0[:, WITH_FACTS] - from_e6[:, WITH_FACTS]).abs().max() > 1e-3


# Each reference case has a single entity without facts. Two of them tie in exact
# arithmetic, so their order, and the pessimistic rank of either as an answer, would
# depend on round-off, which differs between the two implementations.


def test_grail_ranks_match_reference_loader(tmp_path):
    # w occurs only in the test files, and s has no facts in the inference graph.
    write_grail(
        tmp_path,
        ind_valid=["x\ts\tz", "w\tr\tx"],
        ind_test=["y\tr\tw", "z\ts\ty", "x\tr\tz"],
    )
    split = load_dataset(tmp_path, "g")
    reference = read_grail_reference(tmp_path, "g")
    assert split.test.graph.entity_names == reference["entity_names"]
    assert split.test.graph.relation_names == reference["relation_names"]
    model = random_model(1)
    ours = evaluate_ranks(model, split.test, batch_size=4)
    # ranks_reference orders tail ranks before head ranks in each batch, and one
    # batch contains all 5 queries.
    theirs = ranks_reference(model, reference, batch_size=5)
    assert ours.tolist() == theirs.tolist()


def test_transductive_ranks_match_reference_loader(tmp_path):
    folder = tmp_path / "toy"
    write_files(
        folder,
        train=["a\tr\tb", "b\tr\tc", "c\ts\ta", "c\tr\td", "d\ts\tb"],
        valid=["a\tv\tc", "a\ts\tzz"],
        test=["b\ts\ta", "a\tnew\tc", "zz\tv\tb", "d\tr\tzz", "a\tr\tc"],
    )
    split = load_dataset(tmp_path, "toy")
    reference = read_transductive_reference(folder)
    assert split.test.graph.entity_names == reference["entity_names"]
    assert split.test.graph.relation_names == reference["relation_names"]
    model = random_model(2)
    ours = evaluate_ranks(model, split.test, batch_size=3)
    theirs = ranks_reference(
        model, reference, batch_size=5, filter_targets=reference["known"]
    )
    assert ours.tolist() == theirs.tolist()


TOY_TRAIN = ["a\tr\tb", "b\tr\tc", "c\ts\ta", "c\tr\td", "d\ts\tb", "b\ts\td"]
TOY_TEST = ["a\tr\tc", "b\ts\ta", "d\tr\tb", "a\ts\td"]


def test_relation_without_facts_leaves_other_ranks(tmp_path):
    write_files(tmp_path / "base", train=TOY_TRAIN, valid=["a\tr\tb"], test=TOY_TEST)
    extended = TOY_TEST + ["a\tnew\tc"]
    write_files(tmp_path / "more", train=TOY_TRAIN, valid=["a\tr\tb"], test=extended)
    base, more = load_dataset(tmp_path, "base"), load_dataset(tmp_path, "more")
    assert more.test.graph.num_relations == base.test.graph.num_relations + 1
    model = random_model(3)
    base_ranks = evaluate_ranks(model, base.test)
    more_ranks = evaluate_ranks(model, more.test)
    # Ranks are tail ranks then head ranks, and the new query comes last in each half.
    q = len(TOY_TEST)
    assert more_ranks[:q].tolist() == base_ranks[:q].tolist()
    assert more_ranks[q + 1 : 2 * q + 1].tolist() == base_ranks[q:].tolist()
    # The scores of the shared queries agree to round-off: inverse ids move from
    # r + 2 to r + 3, which reorders the relation graph's edges.
    sources, query_index, _ = to_tail_queries(base.test.queries, 2)
    base_scores = scores(model, base.test.graph, sources, query_index)
    more_scores = scores(
        model, more.test.graph, sources, query_index + (query_index >= 2)
    )
    torch.testing.assert_close(more_scores, base_scores, rtol=0, atol=1e-12)


def test_entity_without_facts_competes_in_other_ranks(tmp_path):
    write_files(tmp_path / "base", train=TOY_TRAIN, valid=["a\tr\tb"], test=TOY_TEST)
    extended = TOY_TEST + ["zz\tr\tc"]
    write_files(tmp_path / "more", train=TOY_TRAIN, valid=["a\tr\tb"], test=extended)
    base, more = load_dataset(tmp_path, "base"), load_dataset(tmp_path, "more")
    assert more.test.graph.entity_names == ["a", "b", "c", "d", "zz"]
    model = random_model(4)
    base_ranks = evaluate_ranks(model, base.test)
    more_ranks = evaluate_ranks(model, more.test)
    q = len(TOY_TEST)
    shared = torch.cat([more_ranks[:q], more_ranks[q + 1 : 2 * q + 1]])

    # zz is one more candidate of every shared query: the rank grows by one exactly
    # when zz scores at least as high as the answer and is not a known answer.
    sources, query_index, answers = to_tail_queries(base.test.queries, 2)
    more_scores = scores(model, more.test.graph, sources, query_index)
    known = AnswerIndex.build(more.test.filter_triples, 2).mask(sources, query_index, 5)
    batch = torch.arange(answers.numel())
    beats = (more_scores[:, 4] >= more_scores[batch, answers]) & ~known[:, 4]
    assert shared.tolist() == (base_ranks + beats.long()).tolist()
    # Not vacuous: zz outranks some answers, so their ranks do change.
    assert bool(beats.any())
    # The entities with facts keep their scores.
    base_scores = scores(model, base.test.graph, sources, query_index)
    torch.testing.assert_close(more_scores[:, :4], base_scores, rtol=0, atol=1e-12)
