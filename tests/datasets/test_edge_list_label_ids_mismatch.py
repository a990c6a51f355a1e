"""load_edge_list warns when most labelled nodes occur in no edge."""

import logging

from graphkit.datasets import load_edge_list

WARNING = "labelled nodes occur in no edge"


def test_float_ids_against_integer_labels(tmp_path, caplog):
    # pandas writes an integer id column as floats when it has missing values.
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("1.0 2.0\n2.0 3.0\n")
    labels.write_text("1 a\n2 b\n3 a\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_list"):
        data = load_edge_list(edges, labels=labels)
    # Every label went to a new isolated node, and no edge joins labelled nodes.
    assert data.node_names == ["1.0", "2.0", "3.0", "1", "2", "3"]
    assert data.y.tolist() == [-1, -1, -1, 0, 1, 0]
    messages = [record.getMessage() for record in caplog.records]
    expected = (
        f"{labels}: 3 of 3 {WARNING} of {edges}, such as '1' on line 1. Check that "
        "both files write each node id the same way: 4 and 4.0 are different ids"
    )
    assert expected in messages


def test_few_isolated_labelled_nodes_no_warning(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("1 2\n2 3\n")
    labels.write_text("1 a\n2 b\n3 a\n4 b\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_list"):
        data = load_edge_list(edges, labels=labels)
    assert data.num_nodes == 4
    assert not [record for record in caplog.records if WARNING in record.getMessage()]


def test_named_ids_get_naming_advice(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("a b\n")
    labels.write_text("x 1\ny 2\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_list"):
        load_edge_list(edges, labels=labels)
    messages = [record.getMessage() for record in caplog.records]
    expected = (
        f"{labels}: 2 of 2 {WARNING} of {edges}, such as 'x' on line 1. Check that "
        "the label file names the nodes of the edge list"
    )
    assert expected in messages

