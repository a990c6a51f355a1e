"""A smoke run whose criteria fail explains why the 'no' rows do not fail it."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch import cli


@dataclass
class _Config:
    target: float = 1.0

    @classmethod
    def smoke(cls) -> _Config:
        return cls()


def _register(monkeypatch, name: str, value: float) -> str:
    module = types.ModuleType(f"graphkit_toy_{name}")
    module.Config = _Config
    module.criteria = lambda metrics: [
        registry.Criterion("gap", metrics["gap"], "<= 1", metrics["gap"] <= 1)
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        return {"gap": value}

    run.__module__ = module.__name__
    module.run = registry.register(name, "Toy", "one criterion", 99)(run)
    return name


@pytest.fixture
def failing_toy(monkeypatch):
    yield _register(monkeypatch, "smoke_note_fail_toy", 2.0)
    registry._REGISTRY.pop("smoke_note_fail_toy", None)


@pytest.fixture
def passing_toy(monkeypatch):
    yield _register(monkeypatch, "smoke_note_pass_toy", 0.5)
    registry._REGISTRY.pop("smoke_note_pass_toy", None)


def test_smoke_failure_prints_note(failing_toy, capsys):
    assert cli.main(["extras", "run", failing_toy, "--smoke"]) == 0
    out = capsys.readouterr().out
    assert "note: --smoke runs are too small to meet the criteria" in out
    assert "does not change the exit code" in out


def test_smoke_strict_failure_note_says_fails(failing_toy, capsys):
    assert cli.main(["extras", "run", failing_toy, "--smoke", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "fails the run because of --strict" in out


def test_smoke_pass_has_no_note(passing_toy, capsys):
    assert cli.main(["extras", "run", passing_toy, "--smoke"]) == 0
    assert "note:" not in capsys.readouterr().out


def test_full_run_failure_has_no_note(failing_toy, capsys):
    assert cli.main(["extras", "run", failing_toy]) == 1
    assert "note:" not in capsys.readouterr().out
