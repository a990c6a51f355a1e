"""``graphkit kg evaluate --dataset path/to/folder`` without --root names the split of the path."""

import pytest
from graphkit.launch.cli import run


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "mykg" / "geo"
    folder.mkdir(parents=True)
    for part in ("train", "valid", "test"):
        (folder / f"{part}.txt").write_text("a\tr\tb\n")
    return folder


def test_dataset_path_suggests_root(dataset, monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    argv = ["kg", "evaluate", "--checkpoint", "unused.pth", "--dataset", f"{dataset}/"]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "--root is required to find --dataset" in err
    assert f"is a folder, so pass --root {dataset.parent} --dataset geo" in err


def test_dataset_name_gets_no_path_hint(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    argv = ["kg", "evaluate", "--checkpoint", "unused.pth", "--dataset", "fb237_v1"]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "--root is required to find --dataset" in err
    assert "is a folder" not in err
