"""Paths that start with ``~`` name the home folder, as in a shell.

Python does not expand ``~`` in a path string, so a checkpoint, a triple file or a
dataset root given as ``"~/..."`` was reported as not found although it exists.
"""

import pytest
import torch

from graphkit.kg import load_dataset, load_graph, load_transductive
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


def test_transductive_root_in_home_folder(home):
    folder = home / "kg" / "toy"
    folder.mkdir(parents=True)
    (folder / "train.txt").write_text(TRIPLES)
    (folder / "valid.txt").write_text("a\tr\tc\n")
    (folder / "test.txt").write_text("b\ts\ta\n")
    split = load_transductive("~/kg", "toy")
    assert split.test.queries.tolist() == [[1, 1, 0]]


def test_finetune_checkpoint_dir_in_home_folder(home, tmp_path, monkeypatch):
    from graphkit.kg import KnowledgeGraph, Ultra, finetune

    # Run from another folder, where a literal "~" folder would appear.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    graph = KnowledgeGraph.from_named_triples(
        [("a", "r", "b"), ("b", "r", "c"), ("c", "s", "a")]
    )
    settings = {"batch_size": 2, "num_negatives": 2, "checkpoint_dir": "~/run"}
    torch.manual_seed(0)
    losses = finetune(Ultra(dim=8, num_layers=1), graph, steps=2, **settings)
    assert len(losses) == 2
    assert (home / "run" / "last.pth").is_file()
    assert not (work / "~").exists()
    # The earlier-run check looks into the same folder.
    with pytest.raises(ValueError, match="already contains checkpoints"):
        finetune(Ultra(dim=8, num_layers=1), graph, steps=3, **settings)
    resumed = finetune(
        Ultra(dim=8, num_layers=1), graph, resume="~/run/last.pth", steps=3, **settings
    )
    assert len(resumed) == 1


def test_model_save_in_home_folder(home, tmp_path, monkeypatch):
    from graphkit.kg import Ultra

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=1)
    model.save("~/saved.pth")
    assert (home / "saved.pth").is_file()
    loaded = Ultra.from_pretrained("~/saved.pth")
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
