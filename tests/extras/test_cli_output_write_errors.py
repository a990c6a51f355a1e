"""graphkit extras run checks that it can create its output files before running.

A write that still fails after the run is logged, keeps the other output file, and
exits 1.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from graphkit.launch import cli, cmd_extras, outputs
from toy_experiments import register_toy

RUNS: list[int] = []


def _run_counted(config):
    RUNS.append(config.size)
    return {"score": 1.0}


@pytest.fixture
def counted_experiment(monkeypatch):
    RUNS.clear()
    yield from register_toy(monkeypatch, "counted_toy", _run_counted)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_folder_without_file_creation_rejected(counted_experiment, monkeypatch, capfd):
    # /proc passes os.access for root but creates no files, like a read-only mount.
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: True)
    argv = ["extras", "run", counted_experiment, "--json", "/proc/results.json"]
    code = cli.run(argv)
    err = capfd.readouterr().err
    assert code == 2
    assert "--json /proc/results.json: cannot create a file in folder /proc" in err
    assert RUNS == []


def test_failed_write_keeps_markdown(counted_experiment, tmp_path, monkeypatch, capfd):
    json_path, markdown_path = tmp_path / "r.json", tmp_path / "r.md"
    original = cmd_extras.write_text_atomically

    def write_or_fail(path, text):
        if path == json_path:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(path, text)

    monkeypatch.setattr(cmd_extras, "write_text_atomically", write_or_fail)
    argv = ["extras", "run", counted_experiment, "--json", str(json_path)]
    code = cli.run([*argv, "--markdown", str(markdown_path)])
    captured = capfd.readouterr()
    assert code == 1
    assert RUNS == [1]
    assert f"cannot write --json {json_path} (No space left on device)" in captured.err
    assert "experiment" in captured.out
    assert not json_path.exists()
    assert markdown_path.read_text().startswith("| experiment | metric |")


def test_successful_write_exits_0(counted_experiment, tmp_path):
    json_path = tmp_path / "r.json"
    code = cli.run(["extras", "run", counted_experiment, "--json", str(json_path)])
    assert code == 0
    assert json.loads(json_path.read_text())["experiments"][0]["name"] == "counted_toy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
