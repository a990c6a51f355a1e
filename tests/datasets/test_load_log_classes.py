"""The load log line states the class count, or that the dataset has no labels."""

import logging

from graphkit.datasets import load_dataset


def test_unlabelled_edge_list_logs_no_labels(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    # Edge lists are read as undirected by default, so each edge is stored twice.
    with caplog.at_level(logging.INFO, logger="graphkit.datasets"):
        load_dataset(str(edges))
    assert "loaded edge-list: 3 nodes, 4 stored edges, no labels" in caplog.text
    assert "None" not in caplog.text


def test_labelled_edge_list_logs_classes(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 0\n1 1\n2 1\n")
    with caplog.at_level(logging.INFO, logger="graphkit.datasets"):
        load_dataset(str(edges), labels=str(labels))
    assert "loaded edge-list: 3 nodes, 4 stored edges, 2 classes" in caplog.text
