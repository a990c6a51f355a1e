"""``graphkit isvd`` option checks that run before any data is read."""

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
