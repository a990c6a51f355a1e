"""An input path that is a symbolic link loop is reported as a loop, not as missing.

os.stat fails with ELOOP on such a path, so exists() and is_file() return False. A
loader that checked only those would report "not found" for a path that ls lists.
"""

import os

import pytest
from graphkit.launch.cli import main

from graphkit.datasets.text_table import read_table
from graphkit.kg import load_graph
from graphkit.kg.checkpoint import resolve
from graphkit.link_loops import is_link_loop
from graphkit.train.checkpoint import load_checkpoint
from graphkit.train.config import TrainConfig

LOOP_TEXT = "is a symbolic link loop: resolving it fails with 'too many levels of"


@pytest.fixture
def loop(tmp_path):
    # first -> second -> first
    first, second = tmp_path / "first", tmp_path / "second"
    os.symlink(second, first)
    os.symlink(first, second)
    return first


def test_is_link_loop_cases(tmp_path, loop):
    assert is_link_loop(loop)
    # A folder link on the way to the file fails with ELOOP too.
    assert is_link_loop(loop / "edges.txt")
    assert not is_link_loop(tmp_path / "missing.txt")
    dangling = tmp_path / "dangling"
    os.symlink(tmp_path / "missing.txt", dangling)
    assert not is_link_loop(dangling)
    assert not is_link_loop(tmp_path)


def test_text_table_loop(loop):
    with pytest.raises(FileNotFoundError) as caught:
        read_table(loop, what="edge list")
    assert str(caught.value).startswith(f"edge list file {loop} {LOOP_TEXT}")


def test_kg_graph_loop(loop):
    with pytest.raises(ValueError) as caught:
        load_graph(loop)
    assert "symbolic link loop (too many levels of symbolic links)" in str(caught.value)
    assert "file not found" not in str(caught.value)


@pytest.mark.parametrize(
    "load, what",
    [
        (resolve, "checkpoint"),
        (load_checkpoint, "checkpoint"),
        (TrainConfig.from_yaml, "config file"),
    ],
)
def test_file_loaders_loop(loop, load, what):
    with pytest.raises(FileNotFoundError) as caught:
        load(loop)
    assert str(caught.value).startswith(f"{what} {loop} {LOOP_TEXT}")


def test_analyze_edge_list_loop(loop, tmp_path, capsys):
    labels = tmp_path / "labels.txt"
    labels.write_text("0 0\n1 1\n")
    argv = ["analyze", "--edge-list", str(loop), "--labels", str(labels)]
    assert main(argv) == 2
    assert f"edge list file {loop} {LOOP_TEXT}" in capsys.readouterr().err


def test_kg_resume_loop(loop, tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\nb\tr\tc\n")
    out = tmp_path / "run"
    argv = ["kg", "pretrain", "--graph", str(graph), "--out", str(out)]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--resume", str(loop)])
    assert str(stop.value.code).startswith(f"--resume {loop} {LOOP_TEXT}")
