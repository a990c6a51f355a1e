"""kg evaluate counts the ranks of query rows that name an entity or relation without
facts, and reports the metrics over the other ranks as well.

A relation that only a query row names leaves the scores of all other queries
unchanged up to round-off (see :mod:`graphkit.kg.query_names`), so the metrics over
the informed ranks equal those of the same folder without that row. An entity without
facts is a new candidate of every query, so other ranks can change, and only the
counts and the selection of ranks are checked for it. The model has random float64
weights, so that round-off cannot flip a comparison.
"""

import json

import pytest
import torch
from graphkit.launch.cli import main

import graphkit.kg
from graphkit.kg import (
    KnowledgeGraph,
    evaluate,
    evaluate_ranks,
    load_dataset,
    queries_without_facts,
    summarize_informed_ranks,
    summarize_ranks,
)

from .test_kg_names_without_facts import random_model
from .test_kg_query_names import write_files

FACTS = [
    "a\tr\tb",
    "b\tr\tc",
    "c\ts\td",
    "d\ts\ta",
    "a\tt\tc",
    "b\tt\td",
    "c\tr\ta",
]
TEST = ["a\tr\tc", "b\ts\ta", "d\tt\tb"]
METRICS = ("mrr", "mr", "hits@1", "hits@3", "hits@10", "num_ranks")


def write_folder(root, name, test):
    write_files(root / name, train=FACTS, valid=["a\tr\tb"], test=test)


def test_queries_without_facts_marks_rows():
    graph = KnowledgeGraph(
        torch.tensor([[0, 0, 1], [1, 1, 2]]),
        ["e0", "e1", "e2", "e3"],
        ["r0", "r1", "r2"],
    )
    queries = torch.tensor([[0, 0, 2], [0, 2, 1], [3, 0, 1], [1, 1, 3], [2, 1, 0]])
    marked = queries_without_facts(graph, queries)
    assert marked.tolist() == [False, True, True, True, False]


def test_summarize_informed_ranks_exact():
    # Rows 1 and 3 are uninformed, so ranks 1, 3, 5 and 7 are (tail ranks first).
    ranks = torch.tensor([1, 2, 4, 8, 1, 3, 5, 10])
    rows = torch.tensor([False, True, False, True])
    metrics = summarize_informed_ranks(ranks, rows)
    assert metrics["num_uninformed_ranks"] == 4
    assert metrics["informed_num_ranks"] == 4
    # The informed ranks are 1, 4, 1 and 5.
    assert metrics["informed_mrr"] == pytest.approx((1 + 0.25 + 1 + 0.2) / 4)
    assert metrics["informed_mr"] == 2.75
    assert metrics["informed_hits@1"] == 0.5
    assert metrics["informed_hits@3"] == 0.5
    assert metrics["informed_hits@10"] == 1.0


def test_summarize_informed_ranks_edge_cases():
    ranks = torch.tensor([1, 2, 3, 4])
    none = summarize_informed_ranks(ranks, torch.tensor([False, False]))
    assert none == {"num_uninformed_ranks": 0}
    every = summarize_informed_ranks(ranks, torch.tensor([True, True]))
    assert every == {"num_uninformed_ranks": 4, "informed_num_ranks": 0}
    with pytest.raises(ValueError, match="4 ranks do not belong to 3 query rows"):
        summarize_informed_ranks(ranks, torch.tensor([False, True, False]))


def test_summarize_informed_ranks_integer_masks():
    ranks = torch.tensor([1, 2, 4, 8])
    as_ints = summarize_informed_ranks(ranks, torch.tensor([0, 1]))
    assert as_ints == summarize_informed_ranks(ranks, torch.tensor([False, True]))

    with pytest.raises(ValueError) as caught:
        summarize_informed_ranks(ranks, torch.tensor([0, 3]))
    assert str(caught.value) == (
        "rows_without_facts must be a mask with one True/False (or 1/0) per query "
        "row, got values [0, 3]. Pass the output of queries_without_facts, not row "
        "indices"
    )


def test_relation_without_facts_matches_folder(tmp_path):
    write_folder(tmp_path, "without", TEST)
    # The extra row's entities have facts and only its relation has none.
    write_folder(tmp_path, "with", TEST[:2] + ["b\tnew\tc"] + TEST[2:])
    model = random_model()
    without = evaluate(model, load_dataset(tmp_path, "without").test)
    with_row = evaluate(model, load_dataset(tmp_path, "with").test)
    assert without["num_uninformed_ranks"] == 0
    assert "informed_num_ranks" not in without
    assert with_row["num_ranks"] == 8
    assert with_row["num_uninformed_ranks"] == 2
    # The ranks are not all equal, so the comparison below can fail.
    assert without["hits@1"] not in (0.0, 1.0)
    for name in METRICS:
        assert with_row[f"informed_{name}"] == without[name], name


def test_entity_without_facts_counted(tmp_path):
    # Entity e occurs only in the last test row.
    write_folder(tmp_path, "toy", TEST + ["e\tr\ta"])
    model = random_model()
    test = load_dataset(tmp_path, "toy").test
    metrics = evaluate(model, test)
    assert metrics["num_ranks"] == 8
    assert metrics["num_uninformed_ranks"] == 2
    ranks = evaluate_ranks(model, test)
    informed = summarize_ranks(ranks[[0, 1, 2, 4, 5, 6]])
    for name in METRICS:
        assert metrics[f"informed_{name}"] == informed[name], name


def evaluate_with_cli(tmp_path, test):
    """Run graphkit kg evaluate on a folder toy with the ``test`` rows.

    The model is saved with seed 0. Return the --json report and the checkpoint path.
    """
    root = tmp_path / "kg"
    write_folder(root, "toy", test)
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    graphkit.kg.Ultra(dim=8, num_layers=1).save(checkpoint)
    out = tmp_path / "metrics.json"
    arguments = ["kg", "evaluate", "--checkpoint", str(checkpoint)]
    arguments += ["--dataset", "toy", "--root", str(root), "--json", str(out)]
    assert main(arguments) == 0
    return json.loads(out.read_text()), checkpoint


def test_cli_reports_uninformed_ranks(tmp_path, capsys):
    saved, checkpoint = evaluate_with_cli(tmp_path, TEST + ["b\tnew\tc"])
    expected = evaluate(
        graphkit.kg.Ultra.from_pretrained(checkpoint),
        load_dataset(tmp_path / "kg", "toy").test,
    )
    assert saved["num_ranks"] == 8
    assert saved["num_uninformed_ranks"] == 2
    assert saved["informed_num_ranks"] == 6
    for name in METRICS:
        assert saved[name] == pytest.approx(expected[name], rel=1e-9), name
        assert saved[f"informed_{name}"] == pytest.approx(
            expected[f"informed_{name}"], rel=1e-9
        ), name
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("toy (test, 8 ranks): MRR ")
    assert lines[1].startswith("  2 of 8 ranks are uninformed: ")
    assert lines[2].startswith(
        f"  over the other 6 ranks: MRR {saved['informed_mrr']:.4f}  Hits@1 "
    )


def test_cli_prints_no_uninformed_line(tmp_path, capsys):
    saved, _ = evaluate_with_cli(tmp_path, TEST)
    assert saved["num_uninformed_ranks"] == 0
    assert not [key for key in saved if key.startswith("informed_")]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("toy (test, 6 ranks): MRR ")


def test_cli_all_ranks_uninformed(tmp_path, capsys):
    saved, _ = evaluate_with_cli(tmp_path, ["b\tnew\tc"])
    assert saved["num_uninformed_ranks"] == 2
    assert saved["informed_num_ranks"] == 0
    assert "informed_mrr" not in saved
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "  2 of 2 ranks are uninformed: their query row names an entity or relation "
        "without facts in the graph ranked on"
    )
    assert lines[2] == (
        "  no informed ranks remain, so the metrics above are all uninformed"
    )
