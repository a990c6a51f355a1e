"""``graphkit extras run``: a failed criterion fails a full run unless ``--no-strict``."""

import sys
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch.cli import main


@dataclass
class _ToyConfig:
    score: float = 1.0  # the criterion needs at least 2

    @classmethod
    def smoke(cls) -> "_ToyConfig":
        return cls()


@pytest.fixture
def toy_experiments(monkeypatch):
    """Register ``toy_fail`` (criterion fails), ``toy_pass``, ``toy_broken`` (raises
    RuntimeError) and ``toy_invalid`` (raises ValueError).

    'all' runs only the first two.
    """
    module = types.ModuleType("graphkit_toy_exit_code")
    module.Config = _ToyConfig
    module.criteria = lambda metrics: [
        registry.at_least("score", metrics["score"], 2.0)
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    toy_scores = (
        ("toy_fail", 1.0),
        ("toy_pass", 3.0),
        ("toy_broken", None),
        ("toy_invalid", "invalid"),
    )
    for name, score in toy_scores:

        def run(config, score=score):
            if score is None:
                raise RuntimeError("toy failure")
            if score == "invalid":
                raise ValueError("toy invalid value")
            return {"score": score}

        run.__module__ = module.__name__
        registry.register(name, "Toy", "toy summary", 99)(run)
    toys = [registry.get("toy_fail"), registry.get("toy_pass")]
    monkeypatch.setattr(registry, "list_experiments", lambda: toys)
    yield
    for name, _ in toy_scores:
        registry._REGISTRY.pop(name, None)


@pytest.mark.parametrize(
    "options, code",
    [
        ([], 1),  # full run: criteria count
        (["--no-strict"], 0),
        (["--smoke"], 0),  # smoke run: only that it runs
        (["--smoke", "--strict"], 1),
    ],
)
def test_failed_criterion_exit_code(toy_experiments, options, code):
    assert main(["extras", "run", "toy_fail", *options]) == code


@pytest.mark.parametrize("options", [[], ["--smoke"], ["--strict"]])
def test_passing_run_exits_zero(toy_experiments, options):
    assert main(["extras", "run", "toy_pass", *options]) == 0


def test_all_full_run_names_failures(toy_experiments, capsys):
    assert main(["extras", "run", "all"]) == 1
    assert "criteria failed in toy_fail; pass --no-strict" in capsys.readouterr().err


def test_all_smoke_run_exits_zero(toy_experiments, capsys):
    assert main(["extras", "run", "all", "--smoke"]) == 0
    table = capsys.readouterr().out
    assert "toy_fail" in table
    assert "toy_pass" in table


def test_raising_experiment_fails_without_strict(toy_experiments, monkeypatch):
    toys = [registry.get("toy_pass"), registry.get("toy_broken")]
    monkeypatch.setattr(registry, "list_experiments", lambda: toys)
    assert main(["extras", "run", "all", "--smoke", "--no-strict"]) == 1


def test_all_continues_after_value_error(toy_experiments, monkeypatch, capsys):
    # A ValueError makes a run of one named experiment exit with code 2. Under 'all'
    # it becomes one failed row and the later experiments still run.
    toys = [registry.get("toy_invalid"), registry.get("toy_pass")]
    monkeypatch.setattr(registry, "list_experiments", lambda: toys)
    assert main(["extras", "run", "toy_invalid"]) == 2
    assert main(["extras", "run", "all", "--smoke"]) == 1
    table = capsys.readouterr().out
    assert "toy_invalid" in table
    assert "toy_pass" in table
