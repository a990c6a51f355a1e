"""Throwaway experiments and experiment modules for launcher and registry tests."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graphkit.extras import registration, registry


@dataclass
class ToyConfig:
    size: int = 1

    @classmethod
    def smoke(cls) -> ToyConfig:
        return cls()


def register_toy(
    monkeypatch,
    name: str,
    run: Callable[[ToyConfig], dict],
    criteria: Callable[[dict], list[registry.Criterion]] = lambda metrics: [],
) -> Iterator[str]:
    """Register ``run`` as experiment ``name``, yield the name, then remove it.

    ``criteria`` maps the metrics to the experiment's criteria (none by default).
    """
    module = types.ModuleType(f"graphkit_toy_{name}")
    module.Config = ToyConfig
    module.criteria = criteria
    monkeypatch.setitem(sys.modules, module.__name__, module)
    run.__module__ = module.__name__
    module.run = registry.register(name, name.replace("_", " "), "toy experiment", 99)(run)
    yield name
    registration._REGISTRY.pop(name, None)


@contextmanager
def empty_extras_registry(folder: Path, monkeypatch) -> Iterator[None]:
    """Start the extras registry empty, with ``folder`` added to ``graphkit.extras``.

    A test writes ``graphkit.extras.toy_*`` modules into ``folder`` and sets
    ``registration.CATALOG`` and ``registration.EXPERIMENT_MODULES`` itself. At exit
    the toy modules leave ``sys.modules``, and ``monkeypatch`` restores the registry.
    """
    package = sys.modules["graphkit.extras"]
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])
    monkeypatch.setattr(registration, "_REGISTRY", {})
    monkeypatch.setattr(registration, "_IMPORT_ERRORS", {})
    monkeypatch.setattr(registration, "_DISCOVERED", False)
    modules_before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - modules_before:
            if name.startswith("graphkit.extras.toy_"):
                del sys.modules[name]
