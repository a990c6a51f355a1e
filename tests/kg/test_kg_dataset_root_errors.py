"""load_dataset reports a missing data root, a file, or a dataset folder as the root."""

import pytest
from graphkit.launch.cli import run

from graphkit.kg import load_dataset

from .test_kg_query_names import write_files

ROWS = ["a\tr\tb", "b\tr\tc"]


def test_missing_root(tmp_path):
    root = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(root, "toy")
    assert str(caught.value) == (
        f"dataset root {root} does not exist; pass as root the folder that contains "
        "the dataset folders (such as kg/ with fb237_v1/)"
    )


def test_root_is_a_file(tmp_path):
    root = tmp_path / "train.txt"
    root.write_text("a\tr\tb\n")
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(root, "toy")
    assert str(caught.value).startswith(f"dataset root {root} is a file, not a folder;")


def test_root_is_the_dataset_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    folder = tmp_path / "toy"
    write_files(folder, train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    arguments = ["kg", "evaluate", "--checkpoint", str(tmp_path / "model.pth")]
    assert run(arguments + ["--root", str(folder), "--dataset", "toy"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        f"graphkit kg evaluate: error: dataset folder {folder / 'toy'} not found "
        f"({folder} contains train.txt, so it is a dataset folder itself: pass {tmp_path} as "
        f"--root); folders under {folder}: none"
    )


def test_list_with_dataset_folder_as_root(tmp_path, capsys):
    folder = tmp_path / "toy"
    write_files(folder, train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    assert run(["kg", "list", "--root", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    hint = f"  {folder} contains train.txt, so it is a dataset folder itself: pass "
    hint += f"--root {tmp_path}"
    assert lines[-2:] == [
        "  none: no folder with train.txt or a NAME_ind sibling",
        hint,
    ]
