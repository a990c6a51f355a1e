"""Loader warnings for query rows that are facts of the ranked graph or repeat a row."""

import logging

import pytest
import torch

from graphkit.kg import load_dataset
from graphkit.kg.query_overlap import first_occurrences, rows_in

FACTS = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"


def write(folder, **files):
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text)


def overlap_warnings(caplog):
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "graphkit.kg.query_overlap"
    ]


def test_rows_in_marks_exact_rows():
    reference = torch.tensor([[0, 0, 1], [1, 0, 2]])
    triples = torch.tensor([[1, 0, 2], [2, 0, 1], [0, 1, 1], [0, 0, 1]])
    assert rows_in(triples, reference).tolist() == [True, False, False, True]


def test_rows_in_empty_inputs():
    empty = torch.zeros(0, 3, dtype=torch.long)
    triples = torch.tensor([[0, 0, 1]])
    assert rows_in(triples, empty).tolist() == [False]
    assert rows_in(empty, triples).tolist() == []


def test_first_occurrences_points_to_first_copy():
    triples = torch.tensor([[0, 0, 1], [1, 0, 2], [0, 0, 1], [1, 0, 2], [0, 0, 1]])
    assert first_occurrences(triples).tolist() == [0, 1, 0, 1, 0]


def test_transductive_query_that_is_a_fact(tmp_path, caplog):
    write(
        tmp_path / "toy",
        train=FACTS,
        valid="a\tr\tc\n",
        test="c\tr\ta\nb\tr\tc\na\tr\tb\n",
    )
    with caplog.at_level(logging.WARNING):
        split = load_dataset(tmp_path, "toy")
    messages = overlap_warnings(caplog)
    assert len(messages) == 1
    assert "test.txt: 2 of 3 query rows are also facts of" in messages[0]
    assert "train.txt (first: line 2, ('b', 'r', 'c'))" in messages[0]
    # The rows are kept and ranked, as ULTRA's loaders keep them.
    assert split.test.queries.size(0) == 3


def test_transductive_repeated_query(tmp_path, caplog):
    write(
        tmp_path / "toy",
        train=FACTS,
        valid="a\tr\tc\nc\ts\tb\na\tr\tc\na\tr\tc\n",
        test="c\tr\ta\n",
    )
    with caplog.at_level(logging.WARNING):
        split = load_dataset(tmp_path, "toy")
    messages = overlap_warnings(caplog)
    assert len(messages) == 1
    assert "valid.txt:3: the query on this line repeats line 1" in messages[0]
    assert "(2 repeated rows in the file)" in messages[0]
    assert split.train.queries.size(0) == 4


def test_grail_inference_fact_as_test_query(tmp_path, caplog):
    write(tmp_path / "g", train=FACTS, valid="a\tr\tc\n", test="")
    write(
        tmp_path / "g_ind",
        train="x\tr\ty\ny\ts\tz\n",
        valid="x\tr\tz\n",
        test="y\ts\tz\nz\tr\tx\nz\tr\tx\n",
    )
    with caplog.at_level(logging.WARNING):
        load_dataset(tmp_path, "g")
    messages = overlap_warnings(caplog)
    assert len(messages) == 2
    assert "g_ind/test.txt: 1 of 3 query rows are also facts of" in messages[0]
    assert "g_ind/train.txt (first: line 1, ('y', 's', 'z'))" in messages[0]
    assert "g_ind/test.txt:3: the query on this line repeats line 2" in messages[1]
    assert "(1 repeated row in the file)" in messages[1]


def test_training_fact_in_grail_test_allowed(tmp_path, caplog):
    # The inference graph has its own entities, so a test row that names a fact of
    # the training graph is no leak.
    write(tmp_path / "g", train=FACTS, valid="a\tr\tc\n", test="")
    write(tmp_path / "g_ind", train="a\tr\tc\nc\ts\tb\n", valid="", test="a\tr\tb\n")
    with caplog.at_level(logging.WARNING):
        load_dataset(tmp_path, "g")
    assert overlap_warnings(caplog) == []


@pytest.mark.realdata
def test_shared_splits_have_no_overlap(shared_data, caplog):
    with caplog.at_level(logging.WARNING):
        for name in ("fb237_v1", "WN18RR_v1", "nell_v1", "codex-s"):
            load_dataset(shared_data / "kg", name)
    assert overlap_warnings(caplog) == []
