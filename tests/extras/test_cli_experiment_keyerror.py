"""A KeyError inside an experiment is reported as a failure with its traceback."""

from __future__ import annotations

import json

import pytest
from graphkit.launch import cli
from toy_experiments import register_toy


def _run_missing_metric(config):
    return {"value": {}["missing_metric"]}


@pytest.fixture
def broken_experiment(monkeypatch):
    yield from register_toy(monkeypatch, "broken_toy", _run_missing_metric)


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
