"""An MPI launcher's rank count that mpi4py's world does not match stops start-up.

An Open MPI ``mpirun`` that starts an MPICH mpi4py sets ``OMPI_COMM_WORLD_SIZE=2``,
but each rank initialises MPI alone, as a world of 1. Without the check, both
processes trained the whole graph as rank 0 of 1 and wrote the same ``--out``.
"""

import os
import subprocess
import sys

import pytest
from graphkit.distributed import runtime
from graphkit.launcher import SIZE_VARIABLES, StartUpError


def _clear_launcher(monkeypatch) -> None:
    for name in ("RANK", "MASTER_ADDR", "MASTER_PORT", *SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)


def test_world_of_one_under_two_rank_launch(monkeypatch):
    _clear_launcher(monkeypatch)
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "2")
    monkeypatch.setattr(runtime, "_from_mpi", lambda: (0, 1, "127.0.0.1", 29500))
    with pytest.raises(StartUpError, match=r"set OMPI_COMM_WORLD_SIZE=2, but MPI") as info:
        runtime._environment()
    assert "reports a world of 1" in str(info.value)
    assert info.value.every_rank


def test_local_rank_count_below_world_passes(monkeypatch):
    # MPI_LOCALNRANKS counts one machine's ranks, so a larger world is valid.
    _clear_launcher(monkeypatch)
    monkeypatch.setenv("MPI_LOCALNRANKS", "2")
    monkeypatch.setattr(runtime, "_from_mpi", lambda: (3, 4, "10.0.0.1", 29500))
    assert runtime._environment() == (3, 4, "10.0.0.1", 29500)


def test_matching_world_passes(monkeypatch):
    _clear_launcher(monkeypatch)
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.setattr(runtime, "_from_mpi", lambda: (1, 2, "127.0.0.1", 29500))
    assert runtime._environment() == (1, 2, "127.0.0.1", 29500)


def test_graphkit_train_with_foreign_mpi_variables(tmp_path):
    # The installed mpi4py is MPICH's, so Open MPI's variables leave it a world of 1.
    pytest.importorskip("mpi4py")
    env = {k: v for k, v in os.environ.items() if k not in SIZE_VARIABLES}
    env.pop("RANK", None)
    env.update(OMPI_COMM_WORLD_SIZE="2", OMPI_COMM_WORLD_RANK="0", OMP_NUM_THREADS="1")
    options = "{num_nodes: 100}"
    command = [sys.executable, "-m", "graphkit.launch", "train", "--epochs", "1"]
    command += ["--dataset-options", options, "--out", str(tmp_path / "run")]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=100, check=False
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "graphkit train: error: the MPI launcher set OMPI_COMM_WORLD_SIZE=2, but MPI"
    )
    assert not (tmp_path / "run" / "metrics.jsonl").exists()
