"""graphkit analyze requires a label line for every node of an edge-list --dataset."""

from __future__ import annotations

from graphkit.launch.cli import main


def _write_files(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 3\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 1\n1 1\n2 0\n")
    return edges, labels


def _analyze_argv(edges, labels):
    """Return the analyze arguments for an edge-list file with a label file."""
    options = f"{{labels: {labels}}}"
    return ["analyze", "--dataset", str(edges), "--dataset-options", options]


def test_dataset_file_missing_label_line(tmp_path, capsys):
    edges, labels = _write_files(tmp_path)
    argv = _analyze_argv(edges, labels)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "1 node id(s) of the edge list are missing from the label file" in err
    assert ": 3 (line 3)" in err


def test_dataset_path_option_missing_label_line(tmp_path, capsys):
    edges, labels = _write_files(tmp_path)
    options = f"{{path: {edges}, labels: {labels}}}"
    assert (
        main(["analyze", "--dataset", "edge-list", "--dataset-options", options]) == 2
    )
    assert ": 3 (line 3)" in capsys.readouterr().err


def test_dataset_file_header_hint_names_option(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("b 1\nc 0\n")
    argv = _analyze_argv(edges, labels)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'a' (line 1)" in err
    assert "pass header: true in --dataset-options" in err


def test_dataset_file_negative_label_counts(tmp_path, capsys):
    edges, labels = _write_files(tmp_path)
    labels.write_text("0 1\n1 1\n2 0\n3 -1\n")
    argv = _analyze_argv(edges, labels)
    assert main(argv) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    # Node 3 is marked unlabelled, so 3 nodes and the 2 edges among them are counted.
    assert row[:5] == ["edges", "3", "2", "2", "0.5000"]


def test_dataset_path_under_root(tmp_path, monkeypatch, capsys):
    edges, labels = _write_files(tmp_path)
    monkeypatch.chdir(tmp_path.parent)
    options = f"{{path: {edges.name}, labels: {labels}}}"
    argv = ["analyze", "--root", str(tmp_path), "--dataset", "edge-list"]
    assert main([*argv, "--dataset-options", options]) == 2
    err = capsys.readouterr().err
    # The message reads the edge list where the loader found it, under --root.
    assert f"{tmp_path / 'edges.txt'}: 1 node id(s)" in err
    assert ": 3 (line 3)" in err
