"""The edge-list log line counts nodes without a label line and label-only nodes."""

import logging

import torch
from graphkit.datasets import load_edge_list

LOGGER = "graphkit.datasets.edge_list"


def read_message(caplog, tmp_path, labels_text, features_text=None):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 3\n")
    labels = tmp_path / "labels.txt"
    labels.write_text(labels_text)
    features = None
    if features_text is not None:
        features = tmp_path / "features.txt"
        features.write_text(features_text)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        data = load_edge_list(edges, features=features, labels=labels)
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    return data, messages[-1], edges, labels


def test_nodes_without_label_line(caplog, tmp_path):
    data, message, edges, labels = read_message(caplog, tmp_path, "0 0\n1 1\n")
    assert data.y.tolist() == [0, 1, -1, -1]
    assert message == (
        f"read {edges}: 4 nodes, 6 stored edges. 2 node(s) have no line in {labels}, "
        "so they are unlabelled"
    )


def test_negative_label_not_counted(caplog, tmp_path):
    data, message, edges, _ = read_message(caplog, tmp_path, "0 0\n1 1\n2 -1\n3 0\n")
    assert data.y.tolist() == [0, 1, -1, 0]
    assert message == f"read {edges}: 4 nodes, 6 stored edges"


def test_label_only_node(caplog, tmp_path):
    data, message, edges, labels = read_message(
        caplog, tmp_path, "0 0\n1 1\n2 0\n3 1\n9 0\n"
    )
    assert data.node_names.tolist() == [0, 1, 2, 3, 9]
    assert data.y.tolist() == [0, 1, 0, 1, 0]
    assert message == (
        f"read {edges}: 5 nodes, 6 stored edges. 1 node(s) occur only in {labels}, "
        "without edges"
    )


def test_feature_file_node_not_label_only(caplog, tmp_path):
    # Node 4 has no edge, but the feature file lists it, so it is no label-only node.
    features = "0 1.0\n1 1.0\n2 1.0\n3 1.0\n4 1.0\n"
    data, message, edges, _ = read_message(
        caplog, tmp_path, "0 0\n1 1\n2 0\n3 1\n4 1\n", features
    )
    assert torch.equal(data.y, torch.tensor([0, 1, 0, 1, 1]))
    assert message == f"read {edges}: 5 nodes, 6 stored edges"
