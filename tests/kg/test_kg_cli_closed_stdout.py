"""A graphkit command whose stdout pipe is closed exits with 141 and no error output.

A pipe into ``head`` closes once ``head`` has read its lines. SIGPIPE then ends
shell tools quietly, and the shell reports 141 (128 + 13). graphkit exits with 141
in the same way.
"""

import os
import select
import subprocess
import sys

import pytest
from graphkit.launch import cli


def run_with_stdout(stdout, root):
    return subprocess.run(
        [sys.executable, "-m", "graphkit.launch", "kg", "list", "--root", str(root)],
        check=False,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )


@pytest.fixture()
def root(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "train.txt").write_text("a\tr\tb\n")
    return tmp_path


@pytest.mark.skipif(not hasattr(select, "poll"), reason="needs select.poll")
def test_closed_pipe_exits_quietly(root):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_with_stdout(write_end, root)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""


def test_open_pipe_prints_list(root):
    result = run_with_stdout(subprocess.PIPE, root)
    assert result.returncode == 0
    assert "toy" in result.stdout
    assert result.stderr == ""


def test_other_broken_pipe_reported(monkeypatch, capsys):
    # A closed pipe that is not stdout, such as a socket to another process, is an
    # error that names the cause.
    def fail(argv):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "main", fail)
    assert cli.run(["kg", "list"]) == 2
    assert "graphkit kg list: error: [Errno 32] Broken pipe" in capsys.readouterr().err
