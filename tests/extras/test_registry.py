"""The extras registry: override parsing, unknown keys, and the command-line table."""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass
from typing import Literal, Optional

import pytest
from graphkit.extras import registry
from graphkit.launch import cli


@dataclass
class _Config:
    epochs: int = 3
    lr: float = 0.1
    mode: Literal["sample", "sum"] = "sample"
    formats: tuple[str, ...] = ("a", "b")
    widths: tuple[int, ...] = (1, 2)
    flag: bool = False
    limit: Optional[int] = None  # noqa: UP045 - the Optional spelling is under test

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs={self.epochs} must be >= 1")

    @classmethod
    def smoke(cls) -> _Config:
        return cls(epochs=1)


def test_apply_overrides_parses_types():
    config = registry.apply_overrides(
        _Config(),
        [
            "epochs=5",
            "lr=0.5",
            "mode=sum",
            "formats=x,y,z",
            "widths=4,5",
            "flag=true",
            "limit=none",
        ],
    )
    assert config.epochs == 5
    assert config.lr == 0.5
    assert config.mode == "sum"
    assert config.formats == ("x", "y", "z")
    assert config.widths == (4, 5)
    assert config.flag is True
    assert config.limit is None
    assert registry.apply_overrides(_Config(), ["limit=7"]).limit == 7


def test_apply_overrides_unknown_key_lists_valid():
    with pytest.raises(
        ValueError, match="valid keys: epochs, flag, formats, limit, lr"
    ):
        registry.apply_overrides(_Config(), ["epoch=5"])


@pytest.mark.parametrize(
    "pair, message",
    [
        ("epochs=two", "--set epochs=two: expected a value of type int"),
        ("mode=max", "--set mode=max: expected one of sample, sum"),
        ("flag=maybe", "--set flag=maybe: expected true or false"),
        ("epochs", "--set 'epochs': expected key=value"),
    ],
)
def test_apply_overrides_bad_value(pair, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        registry.apply_overrides(_Config(), [pair])


def test_apply_overrides_revalidates():
    with pytest.raises(ValueError, match="epochs=0"):
        registry.apply_overrides(_Config(), ["epochs=0"])


@pytest.fixture
def toy_experiment(monkeypatch):
    module = types.ModuleType("graphkit_toy_experiment")
    module.Config = _Config

    def criteria(metrics):
        return [registry.at_least("score", metrics["score"], 2.0)]

    module.criteria = criteria
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        return {"score": float(config.epochs), "lr": config.lr}

    run.__module__ = module.__name__
    module.run = registry.register("toy", "Toy title", "toy summary", 99)(run)
    yield "toy"
    registry._REGISTRY.pop("toy", None)


def test_run_experiment_smoke_and_set(toy_experiment):
    smoke = registry.run_experiment(toy_experiment, smoke=True)
    assert smoke.metrics == {"score": 1.0, "lr": 0.1}
    assert [c.passed for c in smoke.criteria] == [False]
    full = registry.run_experiment(toy_experiment, overrides=["epochs=4"])
    assert full.metrics["score"] == 4.0
    assert full.passed


def test_cli_run_writes_json(toy_experiment, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = cli.main(
        ["extras", "run", "toy", "--smoke", "--set", "lr=0.25", "--json", str(out)]
    )
    assert code == 0
    table = capsys.readouterr().out
    assert "experiment" in table.splitlines()[0]
    assert "score" in table
    payload = json.loads(out.read_text())
    assert payload["experiments"][0]["metrics"] == {"score": 1.0, "lr": 0.25}
    assert payload["experiments"][0]["criteria"][0]["passed"] is False


def test_cli_unknown_key_exit_code(toy_experiment):
    assert cli.main(["extras", "run", "toy", "--set", "nope=1"]) == 2
    assert cli.main(["extras", "run", "no_such_experiment"]) == 2


def test_register_rejects_bad_names():
    with pytest.raises(ValueError, match="invalid experiment name 'Bad Name'"):
        registry.register("Bad Name", "t", "s", 1)
    # Each rule alone: an upper-case letter, and the empty name.
    with pytest.raises(ValueError, match="invalid experiment name 'BadName'"):
        registry.register("BadName", "t", "s", 1)
    with pytest.raises(ValueError, match="invalid experiment name ''"):
        registry.register("", "t", "s", 1)
    with pytest.raises(ValueError, match="'all' is reserved"):
        registry.register("all", "t", "s", 1)


def test_broken_module_does_not_hide_others(tmp_path, monkeypatch):
    (tmp_path / "graphkit_broken_experiment.py").write_text(
        "raise RuntimeError('boom')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    names_before = {e.name for e in registry.list_experiments()}
    registry.import_modules(
        ["graphkit_missing_experiment", "graphkit_broken_experiment"]
    )
    errors = registry.import_errors()
    assert "No module named" in errors.pop("graphkit_missing_experiment")
    assert "RuntimeError: boom" in errors.pop("graphkit_broken_experiment")
    assert {e.name for e in registry.list_experiments()} == names_before
    registry._IMPORT_ERRORS.pop("graphkit_missing_experiment", None)
    registry._IMPORT_ERRORS.pop("graphkit_broken_experiment", None)


def test_errored_run_never_passes():
    # An error row has no criteria, and all() of no criteria is True.
    result = registry.ExperimentResult(
        name="x",
        title="t",
        issue_group=1,
        smoke=True,
        config={},
        metrics={},
        criteria=[],
        seconds=0.0,
        error="RuntimeError: boom",
    )
    assert not result.passed
    assert result.to_json()["passed"] is False
