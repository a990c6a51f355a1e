"""Scripts of ``benchmarks/`` loaded as modules, so tests can call their functions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(file_name: str) -> ModuleType:
    """Execute ``benchmarks/<file_name>`` as a new module and return it.

    The scripts form no package, so they are loaded from their path. Each call runs
    the file again, so a test that monkeypatches the module affects no other test.
    """
    path = BENCHMARKS / file_name
    spec = importlib.util.spec_from_file_location(f"benchmark_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
