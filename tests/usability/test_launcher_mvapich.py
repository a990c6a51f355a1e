"""MVAPICH2's mpirun_rsh variables count as an MPI launch of several ranks.

mpirun_rsh exports ``MV2_COMM_WORLD_SIZE``, ``MV2_COMM_WORLD_RANK``,
``MV2_COMM_WORLD_LOCAL_RANK`` and ``MV2_COMM_WORLD_LOCAL_SIZE``. Where it sets no
Open MPI or PMI size variable, each rank would otherwise train the whole graph alone.
"""

import pytest
from graphkit.distributed.device import local_rank_from_env
from graphkit.launch.cmd_train import launched_distributed
from graphkit.launch.logs import RANK_VARIABLES, SIZE_VARIABLES, launcher_world_size

from graphkit.launcher import (
    MPI_SIZE_VARIABLES,
    launcher_rank,
    ranks_share_one_machine,
    world_size_variable,
)
from graphkit.train.config import TrainConfig

MVAPICH = {
    "MV2_COMM_WORLD_SIZE": "3",
    "MV2_COMM_WORLD_RANK": "2",
    "MV2_COMM_WORLD_LOCAL_RANK": "1",
    "MV2_COMM_WORLD_LOCAL_SIZE": "3",
}


@pytest.fixture
def mvapich(monkeypatch):
    for name in (
        *RANK_VARIABLES,
        *SIZE_VARIABLES,
        "LOCAL_WORLD_SIZE",
        "OMPI_COMM_WORLD_LOCAL_SIZE",
        "SLURM_STEP_NUM_NODES",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in MVAPICH.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_mvapich_size_starts_mpi(mvapich):
    assert world_size_variable() == ("MV2_COMM_WORLD_SIZE", 3)
    # start-up then reads the rank and size from mpi4py.
    assert "MV2_COMM_WORLD_SIZE" in MPI_SIZE_VARIABLES
    assert launcher_world_size() == 3
    assert launched_distributed(TrainConfig()) is True


def test_mvapich_rank_and_local_rank(mvapich):
    assert launcher_rank() == 2
    assert local_rank_from_env(MVAPICH) == 1


def test_mvapich_one_machine(mvapich):
    assert ranks_share_one_machine() is True
    mvapich.setenv("MV2_COMM_WORLD_LOCAL_SIZE", "1")
    assert ranks_share_one_machine() is False
