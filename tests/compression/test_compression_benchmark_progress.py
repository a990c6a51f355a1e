"""The compression benchmark prints a line as each run starts, before it ends."""

import sys

from benchmark_scripts import load_benchmark

SCRIPT = "compression.py"


def test_start_line_printed_before_run(monkeypatch, capsys, tmp_path):
    benchmark = load_benchmark(SCRIPT)
    printed_before = []

    def fake_run_all(jobs, world_size, workdir):
        # What the user has seen when the run begins.
        printed_before.append(capsys.readouterr().out)
        return [{"run": jobs[0][0]}]

    monkeypatch.setattr(benchmark, "run_all", fake_run_all)
    monkeypatch.setattr(benchmark, "write_outputs", lambda *args: None)
    argv = ["compression.py", "--epochs", "7", "--only", "full", "fixed 2"]
    argv += ["--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    benchmark.main()
    assert printed_before == [
        "run 1/2: full starts (7 epochs on 4 partitions)\n",
        "run 2/2: fixed 2 starts (7 epochs on 4 partitions)\n",
    ]
