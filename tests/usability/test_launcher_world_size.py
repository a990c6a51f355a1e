"""One world size from the launcher's variables for graphkit train, start-up and cli."""

import pytest
from graphkit.distributed.files import PartitionFileError
from graphkit.launch import cli
from graphkit.launch.cmd_train import launched_distributed
from graphkit.launch.logs import RANK_VARIABLES, SIZE_VARIABLES, launcher_world_size

from graphkit.train.config import TrainConfig

# Every size variable that any part of graphkit has read.
ALL_SIZE_VARIABLES = (
    "WORLD_SIZE",
    "OMPI_COMM_WORLD_SIZE",
    "PMI_SIZE",
    "PMIX_SIZE",
    "MPI_LOCALNRANKS",
    "SLURM_STEP_NUM_TASKS",
)


@pytest.fixture
def no_launcher(monkeypatch):
    for name in (*RANK_VARIABLES, *ALL_SIZE_VARIABLES, "GRAPHKIT_TRACEBACK"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("name", ALL_SIZE_VARIABLES)
def test_each_size_variable_counts(no_launcher, name):
    no_launcher.setenv(name, "3")
    assert name in SIZE_VARIABLES
    assert launcher_world_size() == 3
    assert launched_distributed(TrainConfig()) is True


def test_first_size_above_one_counts(no_launcher):
    # init_process_group takes mpiexec's path here, so the others count 4 ranks too.
    no_launcher.setenv("WORLD_SIZE", "1")
    no_launcher.setenv("OMPI_COMM_WORLD_SIZE", "4")
    assert launcher_world_size() == 4
    assert launched_distributed(TrainConfig()) is True


def test_no_size_variable_is_one_process(no_launcher):
    no_launcher.setenv("PMI_SIZE", "")
    assert launcher_world_size() == 1
    assert launched_distributed(TrainConfig()) is False


def test_local_count_rank_one_silent(no_launcher, capsys):
    # Under an MPI launcher that sets only MPI_LOCALNRANKS, rank 1 trains as one rank
    # of a group, so rank 0 alone prints an error that every rank raises.
    no_launcher.setenv("MPI_LOCALNRANKS", "2")
    no_launcher.setenv("PMI_RANK", "1")

    def fail(argv):
        raise PartitionFileError("parts contains 3 partitions", every_rank=True)

    no_launcher.setattr(cli, "main", fail)
    assert cli.run(["train"]) == 2
    assert capsys.readouterr().err == ""
