"""graphkit train options that only make sense together are rejected when one is missing."""

import pytest

from graphkit.launch import cli
from graphkit.train.config import TrainConfig


def test_resume_auto_needs_out():
    with pytest.raises(ValueError, match="resume='auto' needs out, the folder"):
        TrainConfig(resume="auto")


def test_resume_auto_with_out(tmp_path):
    config = TrainConfig(resume="auto", out=str(tmp_path / "run"))
    assert config.resume == "auto"


def test_resume_auto_cli_one_line(capsys):
    assert cli.run(["train", "--resume", "auto", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("graphkit train: error: --resume auto needs --out")
    assert err.count("\n") == 1


@pytest.mark.parametrize("rank, printed", [("0", True), ("1", False)])
def test_pgcn_several_processes_rejected(monkeypatch, capsys, rank, printed):
    # Rejected before the process group starts, so no peer process is needed.
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", rank)
    assert cli.run(["train", "--model", "pgcn", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert ("--model pgcn attends over all nodes" in err) == printed
    assert "Traceback" not in err
