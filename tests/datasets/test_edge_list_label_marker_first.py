"""A first label line whose label marks an unlabelled node (NA or empty) stays data.

Among numeric labels, NA (R's missing value) or an empty label on the first line is a
non-number above a number, which header="auto" took for a column header. The line was
skipped, and graphkit analyze then failed with "node 0 is missing from the label file".
"""

import logging

import pytest
from graphkit.datasets import load_edge_list

EDGES = "0 1\n1 2\n2 0\n2 3\n"


@pytest.mark.parametrize("marker", ["NA", "", "-1", "nan"])
def test_first_label_marker_stays_data(tmp_path, caplog, marker):
    edges = tmp_path / "edges.txt"
    edges.write_text(EDGES)
    labels = tmp_path / "labels.csv"
    labels.write_text(f"0,{marker}\n1,1\n2,0\n3,1\n")
    caplog.set_level(logging.INFO)
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [-1, 1, 0, 1]
    assert "as a column header" not in caplog.text


def test_header_above_marker_still_skipped(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text(EDGES)
    labels = tmp_path / "labels.csv"
    labels.write_text("node,label\n0,NA\n1,1\n2,0\n3,1\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [-1, 1, 0, 1]


def test_analyze_first_label_na(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = tmp_path / "edges.txt"
    edges.write_text(EDGES)
    labels = tmp_path / "labels.csv"
    labels.write_text("0,NA\n1,1\n2,0\n3,1\n")
    assert run(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    # Node 0 and its edges are left out: nodes 1, 2, 3 and edges 1-2, 2-3 remain.
    assert row[:4] == ["edges", "3", "2", "2"]
