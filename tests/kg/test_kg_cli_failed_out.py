"""A ``graphkit kg finetune`` that fails before its first checkpoint removes the --out it made."""

import torch

from graphkit.kg import Ultra
from graphkit.launch.cli import run


def checkpoint(tmp_path):
    path = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=4, num_layers=1).save(path)
    return str(path)


def test_bad_graph_leaves_no_out(tmp_path, capsys):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\n")
    out = tmp_path / "runs" / "ft"
    argv = ["kg", "finetune", "--checkpoint", checkpoint(tmp_path), "--graph", str(graph)]
    assert run([*argv, "--out", str(out)]) == 2
    assert "triples.tsv:1: expected 3 non-empty columns" in capsys.readouterr().err
    assert not out.exists()


def test_missing_dataset_keeps_existing_out(tmp_path, capsys):
    out = tmp_path / "ft"
    out.mkdir()
    argv = ["kg", "finetune", "--checkpoint", checkpoint(tmp_path), "--root", str(tmp_path)]
    assert run([*argv, "--dataset", "nosuch", "--out", str(out)]) == 2
    assert "nosuch not found" in capsys.readouterr().err
    assert out.is_dir()  # the user made it, so it stays


def test_rerun_after_failure_trains(tmp_path, capsys):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\n")
    out = tmp_path / "ft"
    argv = ["kg", "finetune", "--checkpoint", checkpoint(tmp_path), "--out", str(out)]
    assert run([*argv, "--graph", str(graph)]) == 2
    graph.write_text("a\tr\tb\nb\tr\tc\nc\ts\ta\n")
    assert run([*argv, "--graph", str(graph), "--steps", "1", "--batch-size", "2"]) == 0
    assert (out / "last.pth").is_file()
