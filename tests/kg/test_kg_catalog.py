"""Listing the datasets under a root and the released checkpoints."""

import pytest
from graphkit.launch.cli import main

from graphkit.kg import list_datasets, released_checkpoints
from graphkit.kg.catalog import missing_dataset_files
from graphkit.kg.checkpoint import RELEASED

ROWS = "a\tr\tb\n"


@pytest.fixture()
def root(tmp_path):
    root = tmp_path / "kg"
    for folder in ("toy_v1", "toy_v1_ind", "codex-s", "notes", "lone_ind"):
        (root / folder).mkdir(parents=True)
    for folder in ("toy_v1", "toy_v1_ind", "codex-s", "lone_ind"):
        (root / folder / "train.txt").write_text(ROWS)
    (root / "README.md").write_text("not a dataset\n")
    return root


def test_list_datasets_kinds(root):
    assert list_datasets(root) == {
        "codex-s": "transductive",
        "lone_ind": "transductive",
        "toy_v1": "grail",
    }


def test_missing_dataset_files_kinds(root):
    assert missing_dataset_files(root, "toy_v1", "grail") == [
        "toy_v1/valid.txt",
        "toy_v1_ind/valid.txt",
        "toy_v1_ind/test.txt",
    ]
    assert missing_dataset_files(root, "codex-s", "transductive") == [
        "codex-s/valid.txt",
        "codex-s/test.txt",
    ]
    for part in ("valid", "test"):
        (root / "codex-s" / f"{part}.txt").write_text(ROWS)
    assert missing_dataset_files(root, "codex-s", "transductive") == []
    assert missing_dataset_files(root, "toy_v1", "ambiguous") == []


def test_cli_list_names_missing_grail_files(root, capsys):
    assert main(["kg", "list", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert (
        "GraIL split (toy_v1/ and toy_v1_ind/), incomplete: toy_v1/valid.txt, "
        "toy_v1_ind/valid.txt, toy_v1_ind/test.txt are missing, so --dataset "
        "toy_v1 fails until they are added" in out
    )


def test_list_datasets_missing_root(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing is not a folder"):
        list_datasets(tmp_path / "missing")


def test_released_checkpoints_cache(tmp_path):
    (tmp_path / "ultra_3g.pth").write_bytes(b"not the released file")
    assert released_checkpoints(tmp_path) == {name: None for name in RELEASED}


def test_cli_list_prints_both(root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path / "cache"))
    assert main(["kg", "list", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    lines = {
        line.split()[0]: line for line in out.splitlines() if line.startswith("  ")
    }
    assert "not downloaded" in lines["ultra_3g"]
    assert "GraIL split" in lines["toy_v1"]
    assert "transductive" in lines["codex-s"]
    assert "notes" not in lines


def test_released_checkpoints_cached_file(tmp_path, monkeypatch):
    from graphkit.kg import checkpoint

    path = tmp_path / "ultra_3g.pth"
    path.write_bytes(b"weights")
    url = RELEASED["ultra_3g"][0]
    monkeypatch.setitem(
        checkpoint.RELEASED, "ultra_3g", (url, checkpoint.sha256_of(path))
    )
    found = released_checkpoints(tmp_path)
    assert found["ultra_3g"] == path
    assert found["ultra_4g"] is None


def test_cli_list_points_to_kg_folder(root, capsys):
    assert main(["kg", "list", "--root", str(root.parent)]) == 0
    out = capsys.readouterr().out
    assert f"{root} contains datasets: pass --root {root}" in out


def test_cli_list_points_to_sibling_kg(root, capsys):
    # A --root at the graphs/ folder, which GRAPHKIT_DATA usually names, gets a hint
    # to pass the kg/ folder beside it.
    graphs = root.parent / "graphs"
    graphs.mkdir()
    assert main(["kg", "list", "--root", str(graphs)]) == 0
    out = capsys.readouterr().out
    assert "  none: no folder with train.txt or a NAME_ind sibling" in out
    assert f"{root} contains datasets: pass --root {root}" in out


def test_cli_list_empty_kg_folder_no_hint(tmp_path, capsys):
    # A kg/ folder without datasets is not a better --root, so the output names no
    # other --root.
    (tmp_path / "kg" / "notes").mkdir(parents=True)
    assert main(["kg", "list", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  none: no folder with train.txt or a NAME_ind sibling" in out
    assert "contains datasets" not in out
