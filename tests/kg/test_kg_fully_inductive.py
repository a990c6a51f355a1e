"""GraIL-layout folders whose inference graph has relations that the training graph
lacks (fully inductive splits).

Such relations go to the end of the shared relation list, after the training graph's
relations, and the load logs one warning. ULTRA's scores do not change when relations
without facts are added to the list or when relation ids are permuted. So the test
ranks equal those of ``NAME_ind`` loaded on its own as a transductive folder, which
is how ULTRA's loader of fully inductive splits numbers it. The checks use random
float64 weights, so that round-off cannot flip a comparison.
"""

import json
import logging
import shutil

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import (
    LinkPredictionSet,
    Ultra,
    evaluate,
    evaluate_ranks,
    finetune,
    load_dataset,
)
from graphkit.kg.evaluate import AnswerIndex, to_tail_queries
from graphkit.kg.model import UltraNet, fact_graph

from .test_kg_query_names import GRAIL_TRAIN, write_files
from .ultra_reference_layout import ranks_reference, read_transductive_reference

# Relations q and p occur only in the inference graph, s only in the training graph.
INFERENCE = ["x\tr\ty", "y\tq\tz", "z\tr\tx", "x\tq\tw", "w\tp\ty"]


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def write_toy(root, inference=INFERENCE, valid=("x\tq\tz",), test=("y\tr\tw",)):
    write_files(root / "g", train=GRAIL_TRAIN, valid=["a\ts\tc"], test=[])
    write_files(root / "g_ind", train=inference, valid=valid, test=test)


def random_split_files(root, train_relations, seed=3):
    """Write a random GraIL split ``h`` whose inference graph uses relations i0..i4.

    ``train_relations`` are the relation names of ``h/train.txt``. Every entity of the
    inference graph has facts, and so does every relation that a query names.
    """
    generator = torch.Generator().manual_seed(seed)
    rows = [f"n{i}\ti{i % 5}\tn{(i + 1) % 12}" for i in range(12)]
    while len(rows) < 40:
        head, relation, tail = torch.randint(12, (3,), generator=generator).tolist()
        row = f"n{head}\ti{relation % 5}\tn{tail}"
        if row not in rows:
            rows.append(row)
    train = [
        f"t{i}\t{relation}\tt{i + 1}" for i, relation in enumerate(train_relations * 2)
    ]
    write_files(root / "h", train=train, valid=train[:1], test=[])
    write_files(root / "h_ind", train=rows[:30], valid=rows[30:34], test=rows[34:])


def random_model(seed=0):
    torch.manual_seed(seed)
    model = UltraNet(dim=8, num_layers=3, aggregation="plain").double()
    # Weights larger than the default initialisation, so that scores are not flat.
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    return model.eval()


def transductive_set(root):
    """Return the queries of ``h_ind/valid.txt`` then ``h_ind/test.txt``, ranked on
    ``h_ind/train.txt``, with ``h_ind`` loaded as a transductive folder.

    The folder then numbers its relations on its own.
    """
    alone = load_dataset(root, "h_ind")
    queries = torch.cat([alone.train.queries, alone.test.queries])
    return LinkPredictionSet(
        alone.test.graph, queries, alone.test.filter_triples, "h_ind"
    )


def transductive_ranks(model, root):
    """Rank the queries of :func:`transductive_set`."""
    return evaluate_ranks(model, transductive_set(root), batch_size=64)


def test_inference_relations_appended(tmp_path):
    write_toy(tmp_path, test=["y\tr\tw", "z\tp\tx", "w\tt\tx"])
    split = load_dataset(tmp_path, "g")
    # Training relations, then inference-graph relations, then test-file relations.
    assert split.test.graph.relation_names == ["r", "s", "q", "p", "t"]
    assert split.train.graph.relation_names == ["r", "s", "q", "p", "t"]
    assert split.test.graph.entity_names == ["x", "y", "z", "w"]
    assert split.test.graph.triples.tolist() == [
        [0, 0, 1],
        [1, 2, 2],
        [2, 0, 0],
        [0, 2, 3],
        [3, 3, 1],
    ]
    assert split.test.queries.tolist() == [[0, 2, 2], [1, 0, 3], [2, 3, 0], [3, 4, 0]]
    assert split.train.graph.triples.tolist() == [[0, 0, 1], [1, 1, 2], [2, 0, 0]]
    assert split.train.queries.tolist() == [[0, 1, 2]]


def test_inference_relations_warning(tmp_path, caplog):
    write_toy(tmp_path)
    load_dataset(tmp_path, "g")
    (message,) = warnings_of(caplog)
    assert message.startswith(
        f"{tmp_path / 'g_ind' / 'train.txt'}: the inference graph has 2 relations "
        f"that no row of {tmp_path / 'g' / 'train.txt'} or "
        f"{tmp_path / 'g' / 'valid.txt'} names (first: line 2, relation 'q'), so this is "
        "a fully inductive split."
    )


def test_one_inference_relation_warning(tmp_path, caplog):
    write_toy(tmp_path, inference=["x\tr\ty", "y\tr\tz", "z\tq\tx"], test=["y\tq\tx"])
    load_dataset(tmp_path, "g")
    (message,) = warnings_of(caplog)
    assert "the inference graph has 1 relation that no row of" in message
    assert "(first: line 3, relation 'q')" in message


def test_relation_of_training_valid_is_shared(tmp_path, caplog):
    # v occurs in g/valid.txt only, which names relations as ULTRA's GraIL loader does.
    write_toy(tmp_path, inference=["x\tv\ty", "y\tr\tx"], valid=[], test=["x\tr\ty"])
    write_files(tmp_path / "g", train=GRAIL_TRAIN, valid=["a\tv\tc"], test=[])
    split = load_dataset(tmp_path, "g")
    assert split.test.graph.relation_names == ["r", "s", "v"]
    assert not any("fully inductive" in m for m in warnings_of(caplog))


def test_relation_graph_isolates_relations_without_facts(tmp_path):
    write_toy(tmp_path)
    split = load_dataset(tmp_path, "g")
    # R = 4 relations (r, s, q, p), so 8 relation nodes with the inverses.
    inference = split.test.graph.relation_tensors()
    assert inference.num_nodes == 8
    # s (1) and its inverse (5) have no facts in the inference graph.
    assert set(inference.edge_index.unique().tolist()) == {0, 2, 3, 4, 6, 7}
    training = split.train.graph.relation_tensors()
    assert training.num_nodes == 8
    # q, p (2, 3) and their inverses (6, 7) have no facts in the training graph.
    assert set(training.edge_index.unique().tolist()) == {0, 1, 4, 5}


def test_scores_equal_inference_graph_alone(tmp_path):
    # The training graph names i0 and i3 in that order and lacks i1, i2, i4, and it
    # adds relation u, which the inference graph lacks.
    random_split_files(tmp_path, ["i3", "u", "i0"])
    split = load_dataset(tmp_path, "h")
    alone = load_dataset(tmp_path, "h_ind").test.graph
    assert split.test.graph.relation_names == ["i3", "u", "i0", "i1", "i2", "i4"]
    assert alone.relation_names == ["i0", "i1", "i2", "i3", "i4"]
    assert split.test.graph.entity_names == alone.entity_names
    model = random_model()
    queries = split.test.queries
    sources, query_index, _ = to_tail_queries(queries, split.test.graph.num_relations)
    # The same queries with the relation ids of the inference graph alone.
    # u has no id there, and no query names it.
    alone_ids = {name: i for i, name in enumerate(alone.relation_names)}
    to_alone = torch.tensor(
        [alone_ids.get(name, -1) for name in split.test.graph.relation_names]
    )
    alone_queries = queries.clone()
    alone_queries[:, 1] = to_alone[queries[:, 1]]
    alone_sources, alone_index, _ = to_tail_queries(alone_queries, alone.num_relations)
    assert torch.equal(sources, alone_sources)
    with torch.no_grad():
        ours = model(fact_graph(split.test.graph), sources, query_index)
        theirs = model(fact_graph(alone), alone_sources, alone_index)
    assert ours.shape == (20, 12)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-10)
    # Not vacuous: the scores vary across entities.
    assert ours.std() > 0.1


def test_ranks_equal_inference_graph_alone(tmp_path):
    random_split_files(tmp_path, ["i3", "u", "i0"])
    split = load_dataset(tmp_path, "h")
    model = random_model(1)
    ranks = evaluate_ranks(model, split.test, batch_size=64)
    assert torch.equal(ranks, transductive_ranks(model, tmp_path))
    # Not vacuous: the ranks differ across queries.
    assert len(set(ranks.tolist())) > 2


def test_ranks_match_reference_fully_inductive_layout(tmp_path):
    # ULTRA's loader of fully inductive splits numbers the inference graph's names
    # on their own, as read_transductive_reference does for h_ind.
    random_split_files(tmp_path, ["i3", "u", "i0"])
    split = load_dataset(tmp_path, "h")
    model = random_model(2)
    data = read_transductive_reference(tmp_path / "h_ind")
    data["targets"] = data["known"][data["facts"].size(0) :]
    ranks = evaluate_ranks(model, split.test, batch_size=64)
    assert torch.equal(ranks, ranks_reference(model, data, batch_size=64))


def test_ranks_ignore_training_relations(tmp_path):
    # Whether h/train.txt names i1 and i2, and in which order, changes only ids.
    random_split_files(tmp_path / "named", ["i1", "i2", "i0", "i3", "i4"])
    random_split_files(tmp_path / "unnamed", ["u"])
    named = load_dataset(tmp_path / "named", "h")
    unnamed = load_dataset(tmp_path / "unnamed", "h")
    assert named.test.graph.relation_names == ["i1", "i2", "i0", "i3", "i4"]
    assert unnamed.test.graph.relation_names == ["u", "i0", "i1", "i2", "i3", "i4"]
    model = random_model(3)
    assert torch.equal(
        evaluate_ranks(model, named.test, batch_size=64),
        evaluate_ranks(model, unnamed.test, batch_size=64),
    )


def test_validation_ranks_ignore_inference_relations(tmp_path):
    # The training graph's relation list gains q and p without facts, which leaves
    # the validation ranks as they are without them.
    write_toy(tmp_path / "full")
    write_toy(tmp_path / "shared", inference=["x\tr\ty", "y\tr\tz"], valid=[])
    model = random_model(4)
    full = load_dataset(tmp_path / "full", "g").train
    shared = load_dataset(tmp_path / "shared", "g").train
    assert full.graph.num_relations == 4
    assert shared.graph.num_relations == 2
    assert torch.equal(evaluate_ranks(model, full), evaluate_ranks(model, shared))


def test_finetune_then_evaluate_inductive(tmp_path):
    # Fine-tune on the training graph, which lacks q and p, save, reload, and rank
    # the inference graph's queries on q and p.
    write_toy(tmp_path, test=["y\tr\tw", "z\tp\tx"])
    split = load_dataset(tmp_path, "g")
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    losses = finetune(
        model,
        split.train.graph,
        steps=2,
        batch_size=2,
        num_negatives=2,
        checkpoint_dir=str(tmp_path / "run"),
    )
    assert len(losses) == 2
    ranks = evaluate_ranks(model, split.test)
    assert ranks.shape == (6,)
    assert bool(((ranks >= 1) & (ranks <= 4)).all())
    reloaded = Ultra.from_pretrained(tmp_path / "run" / "last.pth")
    assert torch.equal(evaluate_ranks(reloaded, split.test), ranks)
    assert evaluate(reloaded, split.test)["num_ranks"] == 6


def test_cli_evaluate_inductive(tmp_path, capsys):
    write_toy(tmp_path / "data", test=["y\tr\tw", "z\tp\tx"])
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    arguments = ["--checkpoint", str(checkpoint), "--dataset", "g"]
    arguments += ["--root", str(tmp_path / "data")]
    code = main(["kg", "evaluate", *arguments, "--json", str(tmp_path / "m.json")])
    assert code == 0
    assert "MRR" in capsys.readouterr().out
    assert json.loads((tmp_path / "m.json").read_text())["num_ranks"] == 6


def test_cli_finetune_inductive(tmp_path, capsys):
    write_toy(tmp_path / "data", test=["y\tr\tw", "z\tp\tx"])
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    code = main(
        [
            "kg",
            "finetune",
            "--checkpoint",
            str(checkpoint),
            "--dataset",
            "g",
            "--root",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "run"),
            "--steps",
            "1",
            "--batch-size",
            "2",
            "--negatives",
            "2",
            "--evaluate",
        ]
    )
    assert code == 0
    assert "g test MRR" in capsys.readouterr().out
    assert (tmp_path / "run" / "last.pth").is_file()


def scores_and_answers(model, dataset):
    """Return the ``(2Q, V)`` scores and ``(2Q,)`` answers of every tail and head
    query of ``dataset``."""
    num_relations = dataset.graph.num_relations
    sources, query_index, answers = to_tail_queries(dataset.queries, num_relations)
    with torch.no_grad():
        scores = model(fact_graph(dataset.graph), sources, query_index)
    return scores, answers


def assert_same_up_to_round_off(model, dataset, other):
    """Check that two query sets with the same entity and query order, but other
    relation ids, get the same scores and ranks up to round-off.

    An answer that ties exactly with other candidates, as entities in the same
    position of the graph do, can tie in one set and differ in the last bit in the
    other, so its pessimistic rank may differ. Only those ranks are exempt.
    """
    scores, answers = scores_and_answers(model, dataset)
    other_scores, other_answers = scores_and_answers(model, other)
    assert torch.equal(answers, other_answers)
    torch.testing.assert_close(scores, other_scores, rtol=1e-5, atol=1e-5)
    ranks = evaluate_ranks(model, dataset, batch_size=64)
    other_ranks = evaluate_ranks(model, other, batch_size=64)
    # Candidates that count in the ranking: neither a known answer nor the answer.
    graph = dataset.graph
    sources, query_index, _ = to_tail_queries(dataset.queries, graph.num_relations)
    index = AnswerIndex.build(dataset.filter_triples, graph.num_relations)
    competitors = ~index.mask(sources, query_index, graph.num_entities)
    true_scores = scores.gather(1, answers.unsqueeze(1))
    close = (scores - true_scores).abs() <= 1e-5
    near_ties = (close & competitors).any(dim=1)
    assert torch.equal(ranks[~near_ties], other_ranks[~near_ties])
    # Not vacuous: most answers have no near tie (321 of the 402 nell_v1 ranks).
    assert int((~near_ties).sum()) > ranks.numel() // 2


@pytest.mark.realdata
def test_released_model_nell_v1_fully_inductive(shared_data, tmp_path):
    # nell_v1 with every row of 3 inference-graph relations removed from nell_v1/
    # becomes fully inductive. With ultra_3g in float32, its test scores equal those
    # of the unchanged split and those of nell_v1_ind loaded on its own, up to
    # round-off, and so do the ranks of answers without a near tie.
    source = shared_data / "kg"
    inference = (source / "nell_v1_ind" / "train.txt").read_text().splitlines()
    dropped = list(dict.fromkeys(row.split("\t")[1] for row in inference))[:3]
    for part in ("train", "valid", "test"):
        rows = (source / "nell_v1" / f"{part}.txt").read_text().splitlines()
        kept = [row for row in rows if row.split("\t")[1] not in dropped]
        write_files(tmp_path / "full" / "nell_v1", **{part: kept})
    shutil.copytree(source / "nell_v1_ind", tmp_path / "full" / "nell_v1_ind")
    shutil.copytree(source / "nell_v1_ind", tmp_path / "alone" / "h_ind")
    full = load_dataset(tmp_path / "full", "nell_v1")
    assert full.test.graph.relation_names[-3:] == dropped
    assert full.test.queries.size(0) == 201
    model = Ultra.from_pretrained(shared_data / "ultra" / "ultra_3g.pth")
    unchanged = load_dataset(source, "nell_v1").test
    assert_same_up_to_round_off(model, full.test, unchanged)
    assert_same_up_to_round_off(model, full.test, transductive_set(tmp_path / "alone"))
