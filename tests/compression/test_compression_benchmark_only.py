"""The compression benchmark checks --only names and tabulates runs without ``full``."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "compression.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("compression_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    benchmark = _load_benchmark()
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
    benchmark = _load_benchmark()
    text = benchmark.table([_row("step 64-8", 2 * 2**20, 2**20)])
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[2] == "| step 64-8 | 0.5000 (3) | 0.2500 | 2.0 | 1.0 | 0.0 | - | - |"


def test_table_shares_against_full():
    benchmark = _load_benchmark()
    rows = [_row("full", 4 * 2**20, 2 * 2**20), _row("fixed 2", 2 * 2**20, 2**20)]
    lines = benchmark.table(rows).splitlines()
    assert lines[2].endswith("| 100.0% | 100.0% |")
    assert lines[3].endswith("| 50.0% | 50.0% |")
