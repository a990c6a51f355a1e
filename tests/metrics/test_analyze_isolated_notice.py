"""``graphkit analyze`` logs how many nodes the node averages leave out.

``torch_geometric.utils.homophily(method="node")`` counts a node without
in-neighbours as 0, while the default ``--isolated exclude`` leaves it out, so the
two disagree exactly when such nodes exist.
"""

from __future__ import annotations

import pytest
from graphkit.launch.cli import main

# a -> b -> c -> a is a directed triangle. The edge d -> a leaves d without an
# in-neighbour, and e has no edge.
EDGES = "a b\nb c\nc a\nd a\n"
LABELS = "a 0\nb 0\nc 1\nd 1\ne 0\n"


@pytest.fixture
def edge_files(tmp_path):
    edges, labels = tmp_path / "g.txt", tmp_path / "g_labels.txt"
    edges.write_text(EDGES)
    labels.write_text(LABELS)
    return str(edges), str(labels)


def _notices(capsys) -> list[str]:
    # setup_logging replaces the root handlers, so the log is read from stderr.
    lines = capsys.readouterr().err.splitlines()
    return [line for line in lines if "left out of h_node" in line]


def test_directed_counts_nodes_without_in_neighbour(edge_files, capsys):
    edges, labels = edge_files
    assert main(["analyze", "--edge-list", edges, "--labels", labels, "--directed"]) == 0
    (notice,) = _notices(capsys)
    assert "2 of 5 counted nodes have no in-neighbour" in notice
    assert "--isolated zero" in notice


def test_undirected_counts_isolated_nodes(edge_files, capsys):
    edges, labels = edge_files
    assert main(["analyze", "--edge-list", edges, "--labels", labels]) == 0
    (notice,) = _notices(capsys)
    assert "1 of 5 counted nodes have no neighbour" in notice


def test_no_notice_with_isolated_zero(edge_files, capsys):
    edges, labels = edge_files
    args = ["analyze", "--edge-list", edges, "--labels", labels, "--isolated", "zero"]
    assert main(args) == 0
    assert _notices(capsys) == []
