"""``graphkit isvd`` options: --threads values and --split of a multi-split dataset."""

from __future__ import annotations

import argparse

import pytest
from graphkit.launch import cmd_isvd


@pytest.mark.parametrize("task", ["linkpred", "nodeclass"])
@pytest.mark.parametrize("threads", ["0", "-2", "two"])
def test_threads_must_be_positive(task, threads, capsys):
    # torch.set_num_threads raised a RuntimeError with a traceback for -2, and 0 was
    # ignored without a word.
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as stop:
        parser.parse_args(["isvd", task, "--dataset", "cora", "--threads", threads])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --threads: expected a positive integer, got '{threads}'" in err


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


QUICK = ["--hops", "2", "--wys-rank", "8", "--pca-dim", "16", "--svd-rank", "20"]


@pytest.mark.realdata
def test_nodeclass_split_of_multi_split_dataset(data_copy, capsys):
    # Texas has ten Geom-GCN splits. Without --split it was rejected with advice to
    # pick another dataset, because the command could not select one.
    root = str(data_copy("graphs/webkb"))
    with pytest.raises(SystemExit, match="has 10 train/val/test splits; choose one"):
        _run(["isvd", "nodeclass", "--dataset", "texas", "--root", root, *QUICK])
    argv = ["isvd", "nodeclass", "--dataset", "texas", "--root", root, "--split", "2"]
    assert _run([*argv, *QUICK]) == 0
    assert "dataset texas: closed-form test accuracy" in capsys.readouterr().out
