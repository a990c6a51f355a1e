"""What ``graphkit analyze`` wraps around the measures: label files, tables, outputs."""

from __future__ import annotations

import json

import pytest
from graphkit.launch.cli import main

# A triangle 0-1-2, an edge 3-4 and a self-loop on 2; node 5 has no edge.
EDGES = "0 1\n1 2\n2 0\n2 2\n3 4\n"


def _table_row(out: str, name: str) -> list[str]:
    return next(
        line for line in out.splitlines() if line.startswith(name + " ")
    ).split()


def test_negative_label_is_unlabelled(tmp_path, capsys):
    # A node labelled -1 is unlabelled, so it and its edges are left out. Node 4 is
    # labelled -1, which leaves 3 edges: 0-1 joins one class, 1-2 and 2-0 join two.
    edges, labels = tmp_path / "g.txt", tmp_path / "labels.txt"
    edges.write_text(EDGES)
    labels.write_text("0 0\n1 0\n2 1\n3 1\n4 -1\n5 1\n")
    out_json = tmp_path / "g.json"
    assert main(["analyze", "--edge-list", str(edges), "--labels", str(labels),
                 "--json", str(out_json)]) == 0  # fmt: skip
    row = _table_row(capsys.readouterr().out, "g")
    # nodes, edges, classes, h_edge
    assert row[1:5] == ["5", "3", "2", "0.3333"]
    (result,) = json.loads(out_json.read_text())
    assert result["num_nodes"] == 6
    assert result["num_counted_nodes"] == 5
    assert result["measures"]["edge_homophily"] == pytest.approx(1 / 3)


def test_only_negative_labels_rejected(tmp_path, capsys):
    edges, labels = tmp_path / "g.txt", tmp_path / "labels.txt"
    edges.write_text(EDGES)
    labels.write_text("".join(f"{node} -1\n" for node in range(6)))
    assert main(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 2
    assert "every node a negative label" in capsys.readouterr().err


def test_missing_label_still_rejected(tmp_path, capsys):
    edges, labels = tmp_path / "g.txt", tmp_path / "labels.txt"
    edges.write_text(EDGES)
    labels.write_text(
        "0 0\n1 0\n2 1\n3 1\n4 -1\n"
    )  # Node 5 is missing, node 4 is unlabelled.
    edges.write_text(EDGES + "4 5\n")
    assert main(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 2
    err = capsys.readouterr().err
    assert "1 node id(s) of the edge list are missing from the label file" in err
    assert "labels.txt: 5 (line 6). Add a line" in err


def test_json_and_csv_same_file_rejected(tmp_path, capsys):
    edges, labels = tmp_path / "g.txt", tmp_path / "labels.txt"
    edges.write_text(EDGES)
    labels.write_text("".join(f"{node} {node % 2}\n" for node in range(6)))
    out = tmp_path / "results.txt"
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    assert (
        main([*argv, "--json", str(out), "--csv", str(tmp_path / "." / out.name)]) == 2
    )
    assert "--json and --csv both name" in capsys.readouterr().err
    assert not out.exists()
