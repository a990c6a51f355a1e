"""The compression benchmark checks --only names and tabulates runs without ``full``."""

import sys

import pytest
from benchmark_scripts import load_benchmark

SCRIPT = "compression.py"


def _row(name: str, bytes_sent: int, halo_bytes: int) -> dict:
    return {
        "run": name,
        "metric": "accuracy",
        "test": 0.5,
        "best_epoch": 3,
        "last_test": 0.25,
        "bytes": bytes_sent,
        "mib": bytes_sent / 2**20,
        "halo_bytes": halo_bytes,
        "metric_bytes": 0,
    }


def test_unknown_only_name_rejected(monkeypatch, capsys, tmp_path):
    benchmark = load_benchmark(SCRIPT)
    started = []
    monkeypatch.setattr(benchmark, "run_all", lambda *args: started.append(args))
    # "step64-8" lacks the space of the run name "step 64-8".
    argv = ["compression.py", "--only", "full", "step64-8", "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as stop:
        benchmark.main()
    assert stop.value.code == 2
    message = capsys.readouterr().err
    assert "invalid run names ['step64-8']" in message
    assert "'step 64-8'" in message
    assert started == []


def test_table_without_full_run():
    benchmark = load_benchmark(SCRIPT)
    text = benchmark.table([_row("step 64-8", 2 * 2**20, 2**20)])
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[2] == "| step 64-8 | 0.5000 (3) | 0.2500 | 2.0 | 1.0 | 0.0 | - | - |"


def test_table_shares_against_full():
    benchmark = load_benchmark(SCRIPT)
    rows = [_row("full", 4 * 2**20, 2 * 2**20), _row("fixed 2", 2 * 2**20, 2**20)]
    lines = benchmark.table(rows).splitlines()
    assert lines[2].endswith("| 100.0% | 100.0% |")
    assert lines[3].endswith("| 50.0% | 50.0% |")
