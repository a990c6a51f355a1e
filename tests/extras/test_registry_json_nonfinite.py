"""The --json file stays valid JSON when a config list contains inf or NaN."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch import cli


def _strict_loads(text: str):
    """Parse JSON as strict parsers do: NaN and Infinity are not JSON."""

    def reject(constant: str):
        raise ValueError(f"non-JSON constant {constant}")

    return json.loads(text, parse_constant=reject)


@dataclass
class _Config:
    rates: tuple[float, ...] = (0.5,)

    @classmethod
    def smoke(cls) -> _Config:
        return cls()


@pytest.fixture
def rates_experiment(monkeypatch):
    module = types.ModuleType("graphkit_rates_experiment")
    module.Config = _Config
    module.criteria = lambda metrics: []
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        return {"count": float(len(config.rates))}

    run.__module__ = module.__name__
    module.run = registry.register("rates_toy", "Rates", "rates summary", 99)(run)
    yield "rates_toy"
    registry._REGISTRY.pop("rates_toy", None)


def test_nested_non_finite_become_strings():
    result = registry.ExperimentResult(
        name="x",
        title="t",
        issue_group=1,
        smoke=True,
        config={"rates": (0.5, float("inf")), "inner": {"a": [float("nan")]}},
        metrics={"m": float("-inf")},
        criteria=[],
        seconds=0.0,
    )
    payload = _strict_loads(json.dumps(result.to_json()))
    assert payload["config"] == {"rates": [0.5, "inf"], "inner": {"a": ["nan"]}}
    assert payload["metrics"] == {"m": "-inf"}


def test_cli_json_inf_in_list(rates_experiment, tmp_path):
    out = tmp_path / "r.json"
    code = cli.main(
        [
            "extras",
            "run",
            rates_experiment,
            "--smoke",
            "--set",
            "rates=0.5,inf",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    payload = _strict_loads(out.read_text())
    assert payload["experiments"][0]["config"] == {"rates": [0.5, "inf"]}


def test_criterion_non_finite_value_becomes_string():
    # A diverged run gives a NaN metric, and its criterion carries that value.
    result = registry.ExperimentResult(
        name="x",
        title="t",
        issue_group=1,
        smoke=True,
        config={},
        metrics={"gap": float("nan")},
        criteria=[registry.at_most("gap", float("nan"), 1.5, " points")],
        seconds=0.0,
    )
    payload = _strict_loads(json.dumps(result.to_json()))
    assert payload["criteria"] == [
        {"name": "gap", "value": "nan", "target_text": "<= 1.5 points", "passed": False}
    ]
    assert payload["passed"] is False
