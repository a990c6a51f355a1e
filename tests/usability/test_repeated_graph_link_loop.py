"""A symbolic link loop among repeated --graph values reaches the command's own check.

Comparing the values for repeats must not resolve the loop with Path.resolve, which
raises RuntimeError in Python 3.11 before the command can name the loop.
"""

import os

import pytest
from graphkit.launch.cli import build_parser


def _finetune_argv(*graphs: str) -> list[str]:
    argv = ["kg", "finetune", "--checkpoint", "model.pth", "--out", "run"]
    for graph in graphs:
        argv += ["--graph", graph]
    return argv


def test_link_loop_then_other_graph_parses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("loop.tsv", "loop.tsv")
    (tmp_path / "triples.tsv").touch()
    args = build_parser().parse_args(_finetune_argv("loop.tsv", "triples.tsv"))
    assert [str(path) for path in args.graph] == ["loop.tsv", "triples.tsv"]


def test_link_loop_given_twice_rejected(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    os.symlink("loop.tsv", "loop.tsv")
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(_finetune_argv("loop.tsv", "loop.tsv"))
    assert stop.value.code == 2
    assert "--graph loop.tsv is given twice. Give each value once" in capsys.readouterr().err
