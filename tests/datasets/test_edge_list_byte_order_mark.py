"""Edge, label and triple files saved with a UTF-8 byte order mark read like plain ones.

Some Windows tools put U+FEFF before the first field. If kept, the mark makes the first
edge look like a header row, which is then dropped, and leaves the first node unlabelled.
"""

from __future__ import annotations

from graphkit.datasets import load_edge_list

from graphkit.kg.io import read_triples

BOM = "\ufeff"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_edge_list_with_byte_order_mark(tmp_path):
    edges = write(tmp_path, "edges.txt", BOM + "0 1\n1 2\n2 0\n")
    labels = write(tmp_path, "labels.txt", BOM + "0 0\n1 0\n2 1\n")
    data = load_edge_list(edges, labels=labels, undirected=False)
    assert data.edge_index.tolist() == [[0, 1, 2], [1, 2, 0]]
    assert data.y.tolist() == [0, 0, 1]


def test_string_edge_list_with_byte_order_mark(tmp_path):
    edges = write(tmp_path, "edges.csv", BOM + "bob,alice\nalice,carol\n")
    data = load_edge_list(edges, undirected=False)
    assert data.node_names == ["bob", "alice", "carol"]


def test_triples_with_byte_order_mark(tmp_path):
    path = write(tmp_path, "triples.tsv", BOM + "a\tr\tb\nb\tr\tc\n")
    assert read_triples(path).rows == [("a", "r", "b"), ("b", "r", "c")]
