"""A smoke run whose criteria fail explains why the 'no' rows do not fail it."""

from __future__ import annotations

import pytest
from graphkit.extras import registry
from graphkit.launch import cli
from toy_experiments import register_toy


def _gap_criteria(metrics):
    return [registry.Criterion("gap", metrics["gap"], "<= 1", metrics["gap"] <= 1)]


@pytest.fixture
def failing_toy(monkeypatch):
    def run(config):
        return {"gap": 2.0}

    yield from register_toy(monkeypatch, "smoke_note_fail_toy", run, _gap_criteria)


@pytest.fixture
def passing_toy(monkeypatch):
    def run(config):
        return {"gap": 0.5}

    yield from register_toy(monkeypatch, "smoke_note_pass_toy", run, _gap_criteria)


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


@pytest.fixture
def raising_toy(monkeypatch):
    def run(config):
        raise RuntimeError("toy failure")

    yield from register_toy(monkeypatch, "smoke_note_raise_toy", run, _gap_criteria)


def test_smoke_raised_experiment_has_no_note(raising_toy, capsys):
    # The note explains small-size criteria, which do not apply to an exception.
    assert cli.main(["extras", "run", raising_toy, "--smoke"]) == 1
    assert "note:" not in capsys.readouterr().out


@pytest.fixture
def interrupted_toy(monkeypatch):
    def run(config):
        raise KeyboardInterrupt

    yield from register_toy(monkeypatch, "smoke_note_interrupted_toy", run)


def test_smoke_interrupt_prints_note(failing_toy, interrupted_toy, monkeypatch, capsys):
    # The rows of the experiments that finished before Ctrl-C are printed, and their
    # failed criteria need the same explanation as in a completed smoke run.
    experiments = [registry.get(failing_toy), registry.get(interrupted_toy)]
    monkeypatch.setattr(registry, "list_experiments", lambda: experiments)
    monkeypatch.setattr(registry, "import_errors", dict)
    assert cli.main(["extras", "run", "all", "--smoke"]) == 130
    out = capsys.readouterr().out
    assert "smoke_note_fail_toy" in out
    assert "note: --smoke runs are too small to meet the criteria" in out


def test_strict_smoke_interrupt_note(failing_toy, interrupted_toy, monkeypatch, capsys):
    # Ctrl-C gives exit code 130 whatever the criteria, so the note prints that the
    # criteria do not change the exit code, even with --strict.
    experiments = [registry.get(failing_toy), registry.get(interrupted_toy)]
    monkeypatch.setattr(registry, "list_experiments", lambda: experiments)
    monkeypatch.setattr(registry, "import_errors", dict)
    assert cli.main(["extras", "run", "all", "--smoke", "--strict"]) == 130
    out = capsys.readouterr().out
    assert "does not change the exit code" in out
    assert "fails the run because of --strict" not in out
