"""``graphkit partition`` under torchrun or mpiexec writes the folder once, on rank 0."""

import logging

import pytest
from graphkit.launch.cli import main
from graphkit.launch.logs import (
    RANK_VARIABLES,
    SIZE_VARIABLES,
    launcher_rank,
    setup_logging,
)

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]


def partition(out) -> int:
    return main(["partition", *SMALL_GRAPH, "--parts", "2", "--out", str(out)])


@pytest.fixture
def no_rank(monkeypatch):
    for name in (*RANK_VARIABLES, *SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)


def test_nonzero_rank_skips_partitioning(tmp_path, monkeypatch, no_rank, capsys):
    out = tmp_path / "parts"
    assert partition(out) == 0
    written = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    # A rank started after rank 0 finished finds the folder written.
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert partition(out) == 0
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == written
    assert "skipping: this process is rank 1 of 2" in capsys.readouterr().err


def test_rank_without_world_size_partitions(tmp_path, monkeypatch, no_rank, capsys):
    """A stale RANK without a world size must not make the command skip partitioning."""
    monkeypatch.setenv("RANK", "3")
    out = tmp_path / "parts"
    assert partition(out) == 0
    assert (out / "meta.json").is_file()
    assert "gives rank 3 but no world size above 1 is set" in capsys.readouterr().err


@pytest.mark.parametrize("name", RANK_VARIABLES)
def test_launcher_rank_variables(monkeypatch, no_rank, name):
    monkeypatch.setenv(name, "3")
    assert launcher_rank() == 3


def test_launcher_rank_default_and_invalid(monkeypatch, no_rank):
    assert launcher_rank() == 0
    monkeypatch.setenv("PMI_RANK", "x")
    with pytest.raises(ValueError, match="PMI_RANK='x' is not an integer"):
        launcher_rank()


def test_mpi_rank_logs_no_info(monkeypatch, no_rank, capsys):
    """Before the process group starts, only rank 0 of an MPI job logs progress."""
    monkeypatch.setenv("PMI_RANK", "1")
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("OMPI_COMM_WORLD_SIZE", raising=False)
    setup_logging()
    logger = logging.getLogger("graphkit.test")
    logger.info("progress")
    logger.warning("trouble")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "[rank 1/2] WARNING graphkit.test: trouble" in lines[0]
