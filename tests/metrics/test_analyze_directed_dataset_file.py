"""--directed keeps the edge directions of a --dataset edge-list file."""

from __future__ import annotations

import json

import pytest
from graphkit.launch.cli import main


@pytest.fixture
def triangle(tmp_path):
    # 0 -> 1, 0 -> 2, 1 -> 2 with labels 0, 1, 1. Directed, node 1 has in-neighbour 0
    # (h = 0) and node 2 in-neighbours 0 and 1 (h = 1/2), so h_node = 0.25. With the
    # reverse edges added, h_node = (0 + 1/2 + 1/2) / 3.
    edges = tmp_path / "tri.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n0 2\n1 2\n")
    labels.write_text("0 0\n1 1\n2 1\n")
    return edges, labels


def test_directed_dataset_file_keeps_directions(triangle, tmp_path):
    edges, labels = triangle
    out = tmp_path / "r.json"
    argv = ["analyze", "--dataset", str(edges), "--directed", "--json", str(out)]
    assert main([*argv, "--dataset-options", f"{{labels: {labels}}}"]) == 0
    (result,) = json.loads(out.read_text())
    assert result["num_edges"] == 3
    assert result["measures"]["node_homophily"] == pytest.approx(0.25)


def test_directed_matches_edge_list_option(triangle, tmp_path):
    edges, labels = triangle
    from_dataset, from_edge_list = tmp_path / "a.json", tmp_path / "b.json"
    argv = ["analyze", "--directed", "--dataset", str(edges), "--json"]
    argv += [str(from_dataset), "--dataset-options", f"{{labels: {labels}}}"]
    assert main(argv) == 0
    argv = ["analyze", "--directed", "--edge-list", str(edges), "--labels"]
    assert main([*argv, str(labels), "--json", str(from_edge_list)]) == 0
    (first,) = json.loads(from_dataset.read_text())
    (second,) = json.loads(from_edge_list.read_text())
    assert first["measures"] == second["measures"]


def test_undirected_option_contradicts_directed(triangle, capsys):
    edges, labels = triangle
    options = f"{{labels: {labels}, undirected: true}}"
    argv = ["analyze", "--dataset", str(edges), "--directed"]
    assert main([*argv, "--dataset-options", options]) == 2
    error = capsys.readouterr().err
    assert "--dataset-options sets undirected: true" in error
