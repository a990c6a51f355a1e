"""File options that start with ~ load from the home folder, as a shell would expand them.

A ~ inside a quoted --dataset-options value is not expanded by the shell.
"""

import pytest
from graphkit.datasets import DatasetNotFoundError, load_dataset, load_edge_list


def test_tilde_paths_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "edges.txt").write_text("0 1\n1 2\n")
    (tmp_path / "labels.txt").write_text("0 a\n1 b\n2 a\n")
    (tmp_path / "x.txt").write_text("0 1.0\n1 2.0\n2 3.0\n")
    data = load_edge_list("~/edges.txt", features="~/x.txt", labels="~/labels.txt")
    assert data.y.tolist() == [0, 1, 0]
    assert data.x.view(-1).tolist() == [1.0, 2.0, 3.0]
    dataset = load_dataset("~/edges.txt", labels="~/labels.txt")
    assert dataset.label_names == ["a", "b"]


def test_relative_missing_path_names_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "edges.txt").write_text("0 1\n")
    with pytest.raises(DatasetNotFoundError) as error:
        load_edge_list("edges.txt", labels="labels.txt")
    assert str(error.value) == (
        f"label file not found: labels.txt (relative to the working folder {tmp_path})"
    )
