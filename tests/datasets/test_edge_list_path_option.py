"""The edge-list file comes from the dataset name or the ``path`` option, not both."""

import pytest
import torch

from graphkit.datasets import load_dataset
from graphkit.launch.cli import main


@pytest.fixture
def two_files(tmp_path):
    first = tmp_path / "first.txt"
    second = tmp_path / "second.txt"
    first.write_text("0 1\n")
    second.write_text("0 1\n1 2\n")
    return first, second


def test_file_name_and_other_path_rejected(two_files):
    first, second = two_files
    with pytest.raises(ValueError) as caught:
        load_dataset(str(first), path=str(second))
    assert str(caught.value) == (
        f"the dataset is the file {first}, but path {second} is also given in the "
        "keyword arguments. Remove one of the two"
    )


def test_file_name_and_same_path_accepted(two_files):
    first, _ = two_files
    data = load_dataset(str(first), path=str(first))
    # Edge lists are read as undirected by default.
    assert torch.equal(data.edge_index, torch.tensor([[0, 1], [1, 0]]))


def test_cli_path_conflict_names_option(two_files):
    first, second = two_files
    with pytest.raises(ValueError, match=f"path {second} is also given in --dataset-options"):
        main(["train", "--dataset", str(first), "--dataset-options",
              f"{{path: {second}}}", "--epochs", "1"])  # fmt: skip


def test_edge_list_without_file_python():
    with pytest.raises(ValueError) as caught:
        load_dataset("edge-list")
    assert str(caught.value) == (
        "edge-list: no edge-list file given. Pass path=FILE to load_dataset"
    )


def test_edge_list_without_file_cli():
    with pytest.raises(ValueError) as caught:
        main(["train", "--dataset", "edge-list", "--epochs", "1"])
    assert str(caught.value) == (
        "edge-list: no edge-list file given. Pass --dataset FILE or --dataset-options "
        "'{path: FILE}'"
    )


def test_relative_name_and_absolute_path_accepted(two_files, monkeypatch):
    first, _ = two_files
    monkeypatch.chdir(first.parent)
    data = load_dataset(first.name, path=str(first))
    assert torch.equal(data.edge_index, torch.tensor([[0, 1], [1, 0]]))
