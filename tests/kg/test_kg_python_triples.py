"""Triples built in Python: a pandas DataFrame, its files, and names that are not strings."""

import math

import pytest

from graphkit.kg import KGFormatError, KnowledgeGraph, load_graph

pd = pytest.importorskip("pandas")

ROWS = [("Paris", "capital_of", "France"), ("Lyon", "located_in", "France")]


def test_dataframe_reads_rows():
    frame = pd.DataFrame(ROWS, columns=["head", "relation", "tail"])
    kg = KnowledgeGraph.from_named_triples(frame)
    assert kg.entity_names == ["Paris", "France", "Lyon"]
    assert kg.relation_names == ["capital_of", "located_in"]
    assert kg.triples.tolist() == [[0, 0, 1], [2, 1, 1]]


def test_dataframe_column_order_kept():
    frame = pd.DataFrame(ROWS, columns=["h", "r", "t"])[["t", "r", "h"]]
    kg = KnowledgeGraph.from_named_triples(frame)
    assert kg.entity_names == ["France", "Paris", "Lyon"]
    assert kg.triples.tolist() == [[0, 0, 1], [0, 1, 2]]


def test_dataframe_without_rows():
    frame = pd.DataFrame(columns=["head", "relation", "tail"])
    kg = KnowledgeGraph.from_named_triples(frame)
    assert kg.num_facts == 0
    assert kg.num_entities == 0


def test_dataframe_of_four_columns_rejected():
    frame = pd.DataFrame([(*row, 1.0) for row in ROWS], columns=["h", "r", "t", "w"])
    with pytest.raises(ValueError, match=r"needs 3 columns .* found 4: \['h', 'r'"):
        KnowledgeGraph.from_named_triples(frame)


def test_integer_name_rejected():
    rows = [("a", "r", "b"), ("b", "r", 7)]
    with pytest.raises(
        KGFormatError, match=r"<triples>:2: the tail 7 \(int\) is not a string.*str\(\)"
    ):
        KnowledgeGraph.from_named_triples(rows)


def test_integer_dataframe_rejected():
    frame = pd.DataFrame({"h": [1, 2], "r": ["x", "y"], "t": [2, 3]})
    with pytest.raises(KGFormatError, match=r"<triples>:1: the head 1 \(int\)"):
        KnowledgeGraph.from_named_triples(frame)


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_relation_rejected(missing):
    rows = [("a", "r", "b"), ("b", missing, "c")]
    with pytest.raises(KGFormatError, match=r"<triples>:2: the relation .*dropna"):
        KnowledgeGraph.from_named_triples(rows)


@pytest.mark.parametrize(("name", "separator"), [("t.csv", ","), ("t.tsv", "\t")])
def test_dataframe_file_with_index_named(tmp_path, name, separator):
    path = tmp_path / name
    pd.DataFrame(ROWS, columns=["head", "relation", "tail"]).to_csv(path, sep=separator)
    with pytest.raises(
        KGFormatError,
        match=rf"{name}:1: .*found 4: \['', 'head', 'relation', 'tail'\]\. A first "
        r"line with an empty first column is the header of a pandas DataFrame written "
        r"with its index\. Write the file with index=False and header=False",
    ):
        load_graph(path)
