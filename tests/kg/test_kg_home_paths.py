"""Paths that start with ``~`` name the home folder, as in a shell.

Python does not expand ``~`` in a path string, so a checkpoint, a triple file or a
dataset root given as ``"~/..."`` was reported as not found although it exists.
"""

import pytest
import torch

from graphkit.kg import load_dataset, load_graph
from graphkit.kg.checkpoint import resolve

TRIPLES = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_checkpoint_in_home_folder(home):
    torch.save({"model": {}}, home / "ckpt.pth")
    assert resolve("~/ckpt.pth") == home / "ckpt.pth"


def test_checkpoint_folder_in_home_folder(home):
    (home / "runs").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        resolve("~/runs")


def test_triple_file_in_home_folder(home):
    (home / "facts.tsv").write_text(TRIPLES)
    graph = load_graph("~/facts.tsv")
    assert graph.num_entities == 3
    assert graph.num_relations == 2


def test_dataset_root_in_home_folder(home):
    folder = home / "kg" / "toy"
    folder.mkdir(parents=True)
    (folder / "train.txt").write_text(TRIPLES)
    (folder / "valid.txt").write_text("a\tr\tc\n")
    (folder / "test.txt").write_text("b\ts\ta\n")
    split = load_dataset("~/kg", "toy")
    assert split.test.queries.tolist() == [[1, 1, 0]]
