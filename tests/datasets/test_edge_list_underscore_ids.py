"""Ids that Python's int() reads as numbers but files mean as names stay distinct."""

import torch
from graphkit.datasets import load_edge_list


def test_grid_ids_with_underscore(tmp_path):
    # int("1_10") and int("11_0") are both 110, which merged two nodes into one and
    # turned the edge between them into a self-loop.
    edges = tmp_path / "grid.txt"
    edges.write_text("1_10 11_0\n11_0 2_3\n")
    data = load_edge_list(edges)
    assert data.num_nodes == 3
    assert data.node_names == ["1_10", "11_0", "2_3"]
    expected = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    assert torch.equal(data.edge_index, expected)


def test_underscore_ids_with_labels(tmp_path):
    edges = tmp_path / "grid.txt"
    edges.write_text("1_10 11_0\n11_0 2_3\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("1_10 a\n11_0 b\n2_3 a\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [0, 1, 0]


def test_non_ascii_digits_are_names(tmp_path):
    # int("١") is 1, so the Arabic-Indic digit one merged with the node "1".
    edges = tmp_path / "edges.txt"
    edges.write_text("\u0661 1\n1 2\n", encoding="utf-8")
    data = load_edge_list(edges)
    assert data.num_nodes == 3
    assert data.node_names == ["\u0661", "1", "2"]


def test_underscore_labels_are_class_names(tmp_path):
    # int("1_0") is 10, which put the labels "1_0" and "10" in one class.
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 1_0\n1 10\n2 1_0\n")
    data = load_edge_list(edges, labels=labels)
    assert data.num_classes == 2
    assert data.label_names == ["10", "1_0"]
    assert data.y.tolist() == [1, 0, 1]
