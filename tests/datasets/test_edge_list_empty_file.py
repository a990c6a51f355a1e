"""An edge list without data lines loads as a graph without edges, with a warning."""

import logging

from graphkit.datasets import load_edge_list


def test_empty_edge_list_warns(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    edges.write_text("# written by a script that stopped\n\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 a\n1 b\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_list"):
        data = load_edge_list(edges, labels=labels)
    assert data.num_nodes == 2
    assert data.edge_index.size(1) == 0
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == (
        f"{edges} contains no edges (no data lines), so every node is isolated. Check "
        "that it is the right file and that it was written to its end"
    )


def test_nonempty_edge_list_no_warning(tmp_path, caplog):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets.edge_list"):
        load_edge_list(edges)
    assert caplog.records == []
