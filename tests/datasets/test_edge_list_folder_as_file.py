"""A folder passed as an edge-list, feature or label file is named as a folder."""

import pytest
from graphkit.datasets import DatasetNotFoundError, load_edge_list


def test_edge_list_folder_named(tmp_path):
    (tmp_path / "edges.txt").write_text("0 1\n")
    with pytest.raises(DatasetNotFoundError) as error:
        load_edge_list(tmp_path)
    assert str(error.value) == (
        f"edge list file {tmp_path} is a folder, not a file (it contains edges.txt). "
        "Pass the path of the edge list file itself"
    )


def test_label_folder_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    folder = tmp_path / "labels"
    folder.mkdir()
    with pytest.raises(DatasetNotFoundError) as error:
        load_edge_list(edges, labels=folder)
    assert str(error.value) == (
        f"label file {folder} is a folder, not a file. Pass the path of the label "
        "file itself"
    )


def test_missing_file_still_not_found(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="edge list file not found: "):
        load_edge_list(tmp_path / "missing.txt")
