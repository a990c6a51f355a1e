"""Experiment names ignore case, and '-' equals '_', as dataset names do."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch import cli


@dataclass
class _Config:
    size: int = 1

    @classmethod
    def smoke(cls) -> _Config:
        return cls()


@pytest.fixture
def toy_experiment(monkeypatch):
    module = types.ModuleType("graphkit_case_toy_experiment")
    module.Config = _Config
    module.criteria = lambda metrics: []
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        return {"size": config.size}

    run.__module__ = module.__name__
    module.run = registry.register("case_toy", "Case toy", "returns its size", 99)(run)
    yield "case_toy"
    registry._REGISTRY.pop("case_toy", None)


@pytest.mark.parametrize("name", ["CASE_TOY", "case-toy", "Case-Toy"])
def test_get_ignores_case(toy_experiment, name):
    assert registry.get(name).name == "case_toy"


def test_cli_upper_case_name(toy_experiment, tmp_path):
    out = tmp_path / "result.json"
    code = cli.main(["extras", "run", "CASE_TOY", "--set", "size=3", "--json", str(out)])
    assert code == 0
    result = json.loads(out.read_text())["experiments"][0]
    assert result["name"] == "case_toy"
    assert result["metrics"] == {"size": 3.0}


def test_case_typo_hint(toy_experiment):
    with pytest.raises(KeyError, match=r"unknown experiment 'CASE_TOI' \(did you mean 'case_toy'\?\)"):
        registry.get("CASE_TOI")
