"""An ``--out`` error that every rank of one machine finds prints from rank 0 only."""

import pytest
from graphkit.launch import cli
from graphkit.launcher import (
    LOCAL_SIZE_PAIRS,
    RANK_VARIABLES,
    SIZE_VARIABLES,
    SLURM_NODES_VARIABLE,
    ranks_share_one_machine,
)

OUT_ERROR = "--out {} already contains metrics.jsonl from an earlier run"


@pytest.fixture
def no_launcher(monkeypatch):
    names = {*RANK_VARIABLES, *SIZE_VARIABLES, SLURM_NODES_VARIABLE}
    names.update(name for pair in LOCAL_SIZE_PAIRS for name in pair)
    for name in (*names, "GRAPHKIT_TRACEBACK"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("local_name, world_name", LOCAL_SIZE_PAIRS)
def test_local_size_pairs(no_launcher, local_name, world_name):
    no_launcher.setenv(world_name, "4")
    no_launcher.setenv(local_name, "4")
    assert ranks_share_one_machine() is True
    no_launcher.setenv(local_name, "2")
    assert ranks_share_one_machine() is False


def test_slurm_node_count(no_launcher):
    no_launcher.setenv(SLURM_NODES_VARIABLE, "1")
    assert ranks_share_one_machine() is True
    no_launcher.setenv(SLURM_NODES_VARIABLE, "2")
    assert ranks_share_one_machine() is False


def test_no_variable_is_not_one_machine(no_launcher):
    no_launcher.setenv("WORLD_SIZE", "2")
    assert ranks_share_one_machine() is False


def earlier_run(tmp_path):
    (tmp_path / "metrics.jsonl").write_text("{}\n")
    return str(tmp_path)


@pytest.mark.parametrize("local_size, printed", [("2", False), ("1", True)])
def test_rank_one_prints_elsewhere(no_launcher, tmp_path, capsys, local_size, printed):
    out = earlier_run(tmp_path)
    no_launcher.setenv("RANK", "1")
    no_launcher.setenv("WORLD_SIZE", "2")
    no_launcher.setenv("LOCAL_WORLD_SIZE", local_size)
    assert cli.run(["train", "--out", out, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert (OUT_ERROR.format(out) in err) is printed


def test_rank_zero_prints(no_launcher, tmp_path, capsys):
    out = earlier_run(tmp_path)
    no_launcher.setenv("RANK", "0")
    no_launcher.setenv("WORLD_SIZE", "2")
    no_launcher.setenv("LOCAL_WORLD_SIZE", "2")
    assert cli.run(["train", "--out", out, "--epochs", "1"]) == 2
    assert f"graphkit train: error: {OUT_ERROR.format(out)}" in capsys.readouterr().err


def test_file_as_out_silent_on_rank_one(no_launcher, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    no_launcher.setenv("OMPI_COMM_WORLD_RANK", "1")
    no_launcher.setenv("OMPI_COMM_WORLD_SIZE", "2")
    no_launcher.setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2")
    out = str(tmp_path / "file" / "run")
    assert cli.run(["train", "--out", out, "--epochs", "1"]) == 2
    assert capsys.readouterr().err == ""
