"""A KnowledgeGraph built in Python warns about facts listed on several rows."""

import logging

import numpy as np
import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, load_dataset
from graphkit.kg.repeated_facts import fact_keys, first_repeat

FACTS = [
    ("Paris", "capital_of", "France"),
    ("Berlin", "capital_of", "Germany"),
    ("Paris", "located_in", "France"),
    ("France", "borders", "Germany"),
]


def test_repeated_named_rows_warn(caplog):
    with caplog.at_level(logging.WARNING, logger="graphkit.kg"):
        kg = KnowledgeGraph.from_named_triples(FACTS + [FACTS[2], FACTS[0], FACTS[2]])
    assert kg.num_facts == 7  # the rows are kept as given
    assert "3 of the 7 rows of triples repeat an earlier row" in caplog.text
    assert "(first: row 4, the fact (0, 1, 1), repeats row 2)" in caplog.text


def test_repeated_rows_hint_fits_input(caplog):
    # The warning suggests a way to drop repeated rows that works on the input given.
    pandas = pytest.importorskip("pandas")
    rows = FACTS + FACTS[:1]
    cases = [
        (rows, "list(dict.fromkeys(map(tuple, rows)))"),
        (pandas.DataFrame(rows), "df.drop_duplicates()"),
        (np.array(rows), "np.unique(rows, axis=0)"),
    ]
    for named, hint in cases:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="graphkit.kg"):
            KnowledgeGraph.from_named_triples(named)
        assert f"for example with {hint}, or load" in caplog.text
        assert "unique(dim=0)" not in caplog.text


def test_repeated_id_rows_warn(caplog):
    triples = torch.tensor([[0, 0, 1], [1, 0, 0], [0, 0, 1]])
    with caplog.at_level(logging.WARNING, logger="graphkit.kg"):
        KnowledgeGraph(triples, ["a", "b"], ["r"])
    assert "1 of the 3 rows of triples repeat an earlier row" in caplog.text
    assert "for example with triples.unique(dim=0), or load" in caplog.text


def test_distinct_rows_do_not_warn(caplog):
    # The same entities and relation in both directions are two facts.
    triples = torch.tensor([[0, 0, 1], [1, 0, 0], [0, 0, 0]])
    with caplog.at_level(logging.WARNING, logger="graphkit.kg"):
        KnowledgeGraph(triples, ["a", "b"], ["r"])
    assert caplog.text == ""


def test_first_repeat_counts():
    keys = torch.tensor([5, 3, 5, 7, 3, 5]).numpy()
    repeats, row, earlier = first_repeat(keys)
    assert repeats == 3
    assert row == 2
    assert earlier == 0


def test_repeated_rows_change_scores():
    # The reason for the warning: each copy of a fact weighs it again.
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    plain = KnowledgeGraph.from_named_triples(FACTS)
    repeated = KnowledgeGraph.from_named_triples(FACTS + [FACTS[2]])
    queries = [("Paris", "located_in", "France")]
    assert not torch.equal(model.score(repeated, queries), model.score(plain, queries))


def test_query_rows_equal_to_facts_do_not_warn(tmp_path, caplog):
    # Query files may repeat facts and rows, and the loader has its own warning for
    # that. Converting their names to ids must not also log the repeated-facts warning.
    folder = tmp_path / "geo"
    folder.mkdir()
    rows = "".join("\t".join(row) + "\n" for row in FACTS)
    (folder / "train.txt").write_text(rows)
    (folder / "valid.txt").write_text(rows)
    (folder / "test.txt").write_text(rows + rows)
    with caplog.at_level(logging.WARNING, logger="graphkit.kg"):
        split = load_dataset(tmp_path, "geo")
    assert split.train.graph.num_facts == 4
    assert "rows of triples repeat an earlier row" not in caplog.text


def test_keys_of_huge_id_ranges():
    # 2**32 entities: one int64 number per row would overflow, so rows are numbered.
    triples = torch.tensor([[2**32 - 1, 1, 0], [0, 1, 2**32 - 1], [2**32 - 1, 1, 0]])
    keys = fact_keys(triples, 2**32, 2)
    assert first_repeat(keys) == (1, 2, 0)
