"""No source file uses a standard-library name added after setup.py's python_requires.

A test run uses one Python version, so vermin checks the older versions statically.
Its tables record the version that added each standard-library module, member and
keyword argument. A name used only for type checking carries a ``# novermin`` comment.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("vermin", reason="vermin comes with pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "graphkit",
    "distributed",
    "launch",
    "datasets",
    "extras",
    "tests",
    "benchmarks",
    "setup.py",
)


# vermin's parsable line: path:line:column:python2:python3:feature
VIOLATION = re.compile(
    r"^(?P<where>.+?:\d+):\d*:[^:]*:(?P<major>\d+)\.(?P<minor>\d+):(?P<feature>.+)$"
)


def minimum_python() -> tuple[int, int]:
    text = (ROOT / "setup.py").read_text()
    match = re.search(r'python_requires=">=(\d+)\.(\d+)"', text)
    assert match is not None, 'setup.py has no python_requires=">=X.Y"'
    return int(match.group(1)), int(match.group(2))


def test_sources_run_on_minimum_python():
    minimum = minimum_python()
    command = [
        sys.executable,
        "-c",
        "import sys; from vermin import main; sys.exit(main())",
        "--no-tips",
        "--violations",
        "--format",
        "parsable",
        "--target={}.{}-".format(*minimum),
        "--eval-annotations",
        # vermin takes tensor.long() for Python 2's long() builtin.
        "--exclude",
        "long",
        *SOURCES,
    ]
    result = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    needs_newer = []
    for line in result.stdout.splitlines():
        match = VIOLATION.match(line)
        if match and (int(match["major"]), int(match["minor"])) > minimum:
            version = f"{match['major']}.{match['minor']}"
            needs_newer.append(f"{match['where']}: {match['feature']} needs {version}")
    assert needs_newer == [], "names that Python {}.{} lacks".format(*minimum)
    assert result.returncode == 0, result.stdout + result.stderr
