"""Ctrl-C during graphkit extras run writes no output file and exits 130."""

from __future__ import annotations

import pytest
from graphkit.extras import registry
from graphkit.launch import cli
from toy_experiments import register_toy


def _run_finished(config):
    return {"score": 1.0}


def _run_interrupted(config):
    raise KeyboardInterrupt


@pytest.fixture
def finished_experiment(monkeypatch):
    yield from register_toy(monkeypatch, "finished_toy", _run_finished)


@pytest.fixture
def interrupted_experiment(monkeypatch):
    yield from register_toy(monkeypatch, "interrupted_toy", _run_interrupted)


def test_interrupt_keeps_earlier_files(interrupted_experiment, tmp_path, capfd):
    json_path, markdown_path = tmp_path / "r.json", tmp_path / "r.md"
    json_path.write_text("earlier json\n")
    markdown_path.write_text("earlier table\n")
    argv = ["extras", "run", interrupted_experiment, "--json", str(json_path)]
    code = cli.run([*argv, "--markdown", str(markdown_path)])
    captured = capfd.readouterr()
    assert code == 130
    assert json_path.read_text() == "earlier json\n"
    assert markdown_path.read_text() == "earlier table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.md"]
    assert (
        f"interrupted during experiment interrupted_toy; --json {json_path} and "
        f"--markdown {markdown_path} not written"
    ) in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_interrupt_in_all_prints_finished(
    finished_experiment, interrupted_experiment, monkeypatch, capfd
):
    finished = registry.get(finished_experiment)
    experiments = [finished, registry.get(interrupted_experiment)]
    monkeypatch.setattr(registry, "list_experiments", lambda: experiments)
    monkeypatch.setattr(registry, "import_errors", dict)
    monkeypatch.setattr(
        finished.holder,
        "criteria",
        lambda metrics: [registry.at_least("score", metrics["score"], 0.5)],
    )
    code = cli.run(["extras", "run", "all", "--smoke"])
    captured = capfd.readouterr()
    rows = [line.split()[:5] for line in captured.out.splitlines()]
    assert code == 130
    assert rows[2] == ["finished_toy", "score", "1", ">=", "0.5"]
    assert len(rows) == 3
    assert "interrupted during experiment interrupted_toy" in captured.err
    assert "not written" not in captured.err
