"""A throwaway experiment registered for one test, for launcher and registry tests."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graphkit.extras import registry


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
    registry._REGISTRY.pop(name, None)
