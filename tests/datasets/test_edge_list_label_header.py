"""A label-file header of unusual names over string ids is named, not silently a node."""

import logging

import pytest
from graphkit.datasets import ShapeMismatchError, load_edge_list

EDGES = "alice\tbob\nbob\tcarol\ncarol\talice\n"
LABELS = "person\tteam\nalice\tA\nbob\tA\ncarol\tB\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


def records_of(logger_name):
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    return records, lambda: logger.removeHandler(handler)


def test_label_header_warns_with_line(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    records, stop = records_of("graphkit.datasets.edge_list")
    try:
        data = load_edge_list(edges, labels=labels)
    finally:
        stop()
    assert data.num_nodes == 4  # the header row is still read as a node
    messages = [record.getMessage() for record in records]
    assert len(messages) == 1
    assert "y.tsv:1: node 'person' occurs in no edge" in messages[0]
    assert "pass header=True, which skips the first line of every file" in messages[0]


def test_label_header_true_reads_graph(tmp_path):
    edges = write(tmp_path, "e.tsv", "src\tdst\n" + EDGES)
    labels = write(tmp_path, "y.tsv", LABELS)
    data = load_edge_list(edges, labels=labels, header=True)
    assert data.node_names == ["alice", "bob", "carol"]
    assert data.label_names == ["A", "B"]


def test_isolated_labelled_node_later_not_warned(tmp_path):
    edges = write(tmp_path, "e.tsv", EDGES)
    labels = write(tmp_path, "y.tsv", "alice\tA\nbob\tA\ncarol\tB\ndave\tB\n")
    records, stop = records_of("graphkit.datasets.edge_list")
    try:
        data = load_edge_list(edges, labels=labels)
    finally:
        stop()
    assert data.num_nodes == 4
    assert records == []


def test_label_header_with_features_hinted(tmp_path):
    edges = write(tmp_path, "e.tsv", EDGES)
    features = write(tmp_path, "x.tsv", "alice\t1\nbob\t2\ncarol\t3\n")
    labels = write(tmp_path, "y.tsv", LABELS)
    with pytest.raises(ShapeMismatchError, match="one line more, so its first line may be a column header"):
        load_edge_list(edges, features=features, labels=labels)
