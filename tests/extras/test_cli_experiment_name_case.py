"""Experiment names ignore case, and '-' equals '_', as dataset names do."""

from __future__ import annotations

import json

import pytest
from graphkit.extras import registry
from graphkit.launch import cli
from toy_experiments import register_toy


@pytest.fixture
def toy_experiment(monkeypatch):
    yield from register_toy(monkeypatch, "case_toy", lambda config: {"size": config.size})


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
