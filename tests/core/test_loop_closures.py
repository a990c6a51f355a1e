"""No function defined in a loop reads that loop's variables (ruff's B023).

Such a closure reads the variable's value when it is called, not when it is defined,
so a closure kept past its iteration uses the last loop value. The benchmarks call
their closures within the iteration, and bind the values with functools.partial so
that a later change cannot keep one past it unnoticed.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ruff", reason="ruff comes with pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("graphkit", "distributed", "launch", "datasets", "extras", "benchmarks")


def test_no_closure_reads_loop_variable():
    command = [
        sys.executable,
        "-m",
        "ruff",
        "check",
        "--no-cache",
        "--select",
        "B023",
        "--output-format",
        "concise",
        *SOURCES,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
