"""``graphkit analyze`` rejects a --json or --csv path that names one of its inputs."""

from __future__ import annotations

import pytest
from graphkit.launch.cli import main

EDGES = "a b\nb c\n"
LABELS = "a 0\nb 1\nc 0\n"


@pytest.fixture
def inputs(tmp_path):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text(EDGES)
    labels.write_text(LABELS)
    return edges, labels


@pytest.mark.parametrize("output", ["--json", "--csv"])
@pytest.mark.parametrize("target", ["edges", "labels"])
def test_output_naming_input_rejected(
    inputs, tmp_path, monkeypatch, capsys, output, target
):
    edges, labels = inputs
    monkeypatch.chdir(tmp_path)
    # A relative spelling of the same file, so only a file comparison catches it.
    path = f"./{edges.name}" if target == "edges" else f"./{labels.name}"
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels), output, path]
    assert main(argv) == 2
    error = capsys.readouterr().err
    option = "--edge-list" if target == "edges" else "--labels"
    assert f"is the {option} input file" in error
    assert edges.read_text() == EDGES
    assert labels.read_text() == LABELS


def test_dataset_file_as_output_rejected(inputs, capsys):
    edges, _ = inputs
    assert main(["analyze", "--dataset", str(edges), "--json", str(edges)]) == 2
    assert "is the --dataset input file" in capsys.readouterr().err
    assert edges.read_text() == EDGES


@pytest.mark.parametrize("output", ["--json", "--csv"])
def test_dataset_options_file_as_output_rejected(inputs, capsys, output):
    edges, labels = inputs
    argv = ["analyze", "--dataset", str(edges), output, str(labels)]
    argv += ["--dataset-options", f"{{labels: {labels}}}"]
    assert main(argv) == 2
    assert "is the --dataset-options labels input file" in capsys.readouterr().err
    assert labels.read_text() == LABELS


def test_edge_list_path_under_root_rejected(inputs, tmp_path, monkeypatch, capsys):
    # The working folder has no file of that relative path, so the edge-list loader
    # reads it under --root. That file is the input that --csv would overwrite.
    edges, labels = inputs
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    argv = ["analyze", "--dataset", "edge-list", "--root", str(tmp_path)]
    argv += ["--dataset-options", f"{{path: {edges.name}, labels: {labels}}}"]
    argv += ["--csv", str(edges)]
    assert main(argv) == 2
    assert "is the --dataset-options path input file" in capsys.readouterr().err
    assert edges.read_text() == EDGES
