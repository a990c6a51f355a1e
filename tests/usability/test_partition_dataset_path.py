"""Partitions of an edge-list file train under any spelling of that file's path."""

import json

import pytest
from graphkit.distributed.files import PartitionFileError
from graphkit.distributed.runtime import check_dataset
from graphkit.launch.cli import main
from graphkit.train import TrainConfig


@pytest.fixture
def graph(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "edges.txt").write_text("0 1\n1 2\n2 3\n3 0\n0 2\n")
    (folder / "x.txt").write_text("0 1.0\n1 2.0\n2 3.0\n3 4.0\n")
    (folder / "y.txt").write_text("0 0\n1 0\n2 1\n3 1\n")
    return folder


def test_path_recorded_absolute_and_trained_elsewhere(graph, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(graph)
    options = ["--dataset-options", "{features: x.txt, labels: y.txt}"]
    argv = ["partition", "--dataset", "edges.txt", *options, "--parts", "1"]
    assert main([*argv, "--out", str(tmp_path / "parts")]) == 0
    meta = json.loads((tmp_path / "parts" / "meta.json").read_text())
    assert meta["dataset"] == str(graph / "edges.txt")
    monkeypatch.chdir(tmp_path)
    train = ["train", "--partitions", "parts", "--epochs", "1", "--metric", "accuracy"]
    assert main([*train, "--dataset", "data/edges.txt"]) == 0
    assert main([*train, "--dataset", "./data/../data/edges.txt"]) == 0
    assert "test accuracy" in capsys.readouterr().out


def test_relative_record_matches_same_file(graph, monkeypatch):
    monkeypatch.chdir(graph)
    config = TrainConfig(dataset=str(graph / "edges.txt"), partitions="p")
    check_dataset({"dataset": "edges.txt"}, config)  # a folder written before


def test_other_file_still_rejected(graph):
    config = TrainConfig(dataset=str(graph / "x.txt"), partitions="p")
    with pytest.raises(PartitionFileError, match="contains partitions of dataset"):
        check_dataset({"dataset": str(graph / "edges.txt")}, config)


def test_recorded_file_elsewhere_matches_by_name(graph):
    # Another machine mounts the data at another path.
    config = TrainConfig(dataset=str(graph / "edges.txt"), partitions="p")
    check_dataset({"dataset": "/other/mount/edges.txt"}, config)
    with pytest.raises(PartitionFileError, match="contains partitions of dataset"):
        check_dataset({"dataset": "/other/mount/x.txt"}, config)
