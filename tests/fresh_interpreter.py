"""Run graphkit or a Python snippet in a new interpreter to see which modules it imports.

The test process has imported torch already, so only a fresh interpreter shows whether
a command or an import pulls in torch or torch_geometric.
"""

from __future__ import annotations

import subprocess
import sys
from typing import NamedTuple

# Modules that a check may forbid, because importing one costs about 1 to 2 CPU s
# (torch 2.13, PyG 2.8).
HEAVY_MODULES = ("torch", "torch_geometric")

GRAPHKIT_SCRIPT = f"""
import sys
from graphkit.launch.cli import run

try:
    code = run(sys.argv[1:])
except SystemExit as error:  # --help exits through argparse
    code = error.code
heavy = [name for name in {HEAVY_MODULES!r} if name in sys.modules]
print("exit", code, "imported", *heavy)
"""


class GraphkitRun(NamedTuple):
    """The result of one ``graphkit`` command run in a fresh interpreter."""

    exit_code: int
    imported: list[str]  # the names of HEAVY_MODULES in sys.modules at exit
    output: list[str]  # the lines the command printed to stdout


def run_python(code: str, *arguments: str) -> list[str]:
    """Run ``python -c CODE ARGUMENTS`` in a new interpreter and return its stdout lines.

    The test fails with the interpreter's stderr unless it exits with code 0.
    """
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def run_graphkit(arguments: list[str]) -> GraphkitRun:
    """Run ``graphkit ARGUMENTS`` in a new interpreter through ``cli.run``."""
    *output, report = run_python(GRAPHKIT_SCRIPT, *arguments)
    words = report.split()
    assert words[0] == "exit", report
    assert words[2] == "imported", report
    return GraphkitRun(int(words[1]), words[3:], output)
