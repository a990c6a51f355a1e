"""A KeyError inside an experiment is reported as a failure with its traceback."""

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
def broken_experiment(monkeypatch):
    module = types.ModuleType("graphkit_broken_experiment")
    module.Config = _Config
    module.criteria = lambda metrics: []
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        return {"value": {}["missing_metric"]}

    run.__module__ = module.__name__
    module.run = registry.register("broken_toy", "Broken", "raises", 99)(run)
    yield "broken_toy"
    registry._REGISTRY.pop("broken_toy", None)


def test_keyerror_in_run_exits_one(broken_experiment, tmp_path, capfd):
    out = tmp_path / "r.json"
    code = cli.main(["extras", "run", broken_experiment, "--smoke", "--json", str(out)])
    assert code == 1
    assert "Traceback" in capfd.readouterr().err
    error = json.loads(out.read_text())["experiments"][0]["error"]
    assert error == "KeyError: 'missing_metric'"


def test_unknown_experiment_still_exits_two(capfd):
    assert cli.main(["extras", "run", "no_such_experiment_name"]) == 2
    assert "unknown experiment 'no_such_experiment_name'" in capfd.readouterr().err
