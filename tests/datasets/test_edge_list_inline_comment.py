"""The bulk and per-line edge-list readers treat "#" as a comment only at line start."""

import logging
from pathlib import Path

import pytest
from graphkit.datasets import MalformedLineError
from graphkit.datasets.edge_table import read_edge_table

HINT = "A '#' starts a comment only at the start of a line"


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("text", ["1 2 # note\n2 3\n", "a b # note\nb c\n"])
def test_trailing_comment_rejected(tmp_path, text, bulk):
    edges = tmp_path / "edges.txt"
    edges.write_text(text)
    with pytest.raises(MalformedLineError, match=HINT) as error:
        read_edge_table(Path(edges), None, "auto", bulk=bulk)
    assert str(error.value).startswith(f"{edges}:1: expected 2 or 3 fields")


@pytest.mark.parametrize("bulk", [True, False])
def test_comment_as_weight_rejected(tmp_path, bulk):
    edges = tmp_path / "edges.txt"
    edges.write_text("1 2 #note\n2 3 #other\n")
    with pytest.raises(MalformedLineError, match=HINT):
        read_edge_table(Path(edges), None, "auto", bulk=bulk)


@pytest.mark.parametrize("bulk", [True, False])
def test_comment_lines_still_skipped(tmp_path, bulk):
    edges = tmp_path / "edges.txt"
    edges.write_text("# Directed graph\n# Nodes: 3 # Edges: 2\n0 1\n1 2\n")
    table = read_edge_table(Path(edges), None, "auto", bulk=bulk)
    assert table.ends.tolist() == [[0, 1], [1, 2]]
    # Whole-line comments keep the file on the bulk reader, which stores no lines.
    assert (table.line_numbers is None) is bulk


@pytest.mark.parametrize("bulk", [True, False])
def test_hash_inside_id_kept(tmp_path, bulk):
    edges = tmp_path / "edges.csv"
    edges.write_text("1,2#3\n2#3,4\n")
    table = read_edge_table(Path(edges), None, False, bulk=bulk)
    assert table.ends.tolist() == [["1", "2#3"], ["2#3", "4"]]


def test_comment_in_id_warns(tmp_path, caplog):
    edges = tmp_path / "edges.csv"
    edges.write_text("1,2 # note\n2,3\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_table"):
        table = read_edge_table(Path(edges), None, "auto")
    assert table.ends.tolist() == [["1", "2 # note"], ["2", "3"]]
    assert f"{edges}:1: node id '2 # note' contains ' #'" in caplog.text
