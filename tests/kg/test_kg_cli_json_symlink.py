"""kg evaluate --json writes through a symbolic link, as a plain file write would.

The atomic write renames a temporary file onto the path, which would replace the link
itself with a regular file and leave the file it points to unchanged.
"""

import json

import torch
from graphkit.launch.cli import run

import graphkit.kg

from .test_kg_query_names import write_files

ROWS = ["a\tr\tb", "b\tr\tc", "c\ts\ta"]


def evaluate_arguments(tmp_path, json_path):
    write_files(tmp_path / "kg" / "toy", train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    graphkit.kg.Ultra(dim=8, num_layers=1).save(checkpoint)
    arguments = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    return arguments + ["--root", str(tmp_path / "kg"), "--json", str(json_path)]


def test_json_through_link_writes_target(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    results = tmp_path / "results"
    results.mkdir()
    target = results / "run1.json"
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert run(evaluate_arguments(tmp_path, link)) == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["num_ranks"] == 4
    assert sorted(p.name for p in results.iterdir()) == ["run1.json"]


def test_json_link_into_missing_folder_fails_at_start(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "gone" / "run1.json")
    assert run(evaluate_arguments(tmp_path, link)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().endswith(
        f"--json {link}: folder {tmp_path / 'gone'} does not exist. Create it first "
        "or choose another path"
    )
    assert link.is_symlink()
