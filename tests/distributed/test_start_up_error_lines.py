"""Invalid launch settings stop graphkit train with one error line, not a traceback.

A stand-in ``mpi4py`` plays one rank of ``mpiexec -n 2`` on this machine.
"""

import sys
import types

import pytest
from graphkit.distributed import runtime
from graphkit.launch.cli import run

pytestmark = pytest.mark.distributed

# A name under .invalid never resolves (RFC 2606).
UNRESOLVABLE = "no-such-host.invalid"
TRAIN = ["train", "--epochs", "1"]


class TwoRankWorld:
    """Stand-in for ``COMM_WORLD``: rank ``rank`` of 2 on machines ``hostnames``.

    ``bcast`` returns ``root_value`` on rank 1, as if rank 0 had sent it.
    """

    def __init__(self, rank: int, hostnames: list[str], root_value=None) -> None:
        self.rank, self.hostnames, self.root_value = rank, hostnames, root_value

    def Get_rank(self) -> int:
        return self.rank

    def Get_size(self) -> int:
        return 2

    def allgather(self, value):
        return list(self.hostnames)

    def bcast(self, value, root: int = 0):
        return value if self.rank == root else self.root_value


@pytest.fixture
def launch_environment(monkeypatch):
    """Clear the launcher variables and GRAPHKIT_TRACEBACK, and return an MPI setter."""
    names = (
        "RANK",
        "WORLD_SIZE",
        "MASTER_ADDR",
        "MASTER_PORT",
        "GRAPHKIT_TRACEBACK",
        "SLURM_STEP_NUM_TASKS",
        "OMPI_COMM_WORLD_RANK",
        "PMI_RANK",
        "PMIX_RANK",
        "SLURM_PROCID",
        *runtime.MPI_SIZE_VARIABLES,
    )
    for name in names:
        monkeypatch.delenv(name, raising=False)

    def start_mpi_rank(world: TwoRankWorld) -> None:
        mpi = types.SimpleNamespace(MPI=types.SimpleNamespace(COMM_WORLD=world))
        monkeypatch.setitem(sys.modules, "mpi4py", mpi)
        monkeypatch.setenv("PMI_RANK", str(world.rank))
        monkeypatch.setenv("PMI_SIZE", "2")

    return start_mpi_rank


def test_unresolvable_addr_one_line_on_rank_zero(
    launch_environment, monkeypatch, capsys
):
    launch_environment(TwoRankWorld(0, ["node-a", "node-a"]))
    monkeypatch.setenv("MASTER_ADDR", UNRESOLVABLE)
    assert run(TRAIN) == 2
    lines = capsys.readouterr().err.splitlines()
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1, lines
    assert errors[0].startswith(
        "graphkit train: error: rank 0: rank 0 failed to start the store: cannot "
        f"listen on MASTER_ADDR = {UNRESOLVABLE}"
    )
    assert "Traceback" not in "\n".join(lines)


def test_unresolvable_addr_silent_on_rank_one(launch_environment, monkeypatch, capsys):
    # Rank 0 prints the error that every rank raises.
    reply = f"cannot listen on MASTER_ADDR = {UNRESOLVABLE}"
    launch_environment(TwoRankWorld(1, ["node-a", "node-a"], root_value=reply))
    monkeypatch.setenv("MASTER_ADDR", UNRESOLVABLE)
    assert run(TRAIN) == 2
    assert "error:" not in capsys.readouterr().err


def test_several_machines_without_addr(launch_environment, capsys):
    launch_environment(TwoRankWorld(0, ["node-a", "node-b"]))
    assert run(TRAIN) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert errors[0].startswith(
        "graphkit train: error: mpiexec started the 2 ranks on 2 machines (node-a, node-b)"
    )


def test_torchrun_variables_unresolvable_addr(launch_environment, monkeypatch, capsys):
    # Rank 0 of a group started by hand listens on MASTER_ADDR itself.
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("MASTER_ADDR", UNRESOLVABLE)
    monkeypatch.setenv("MASTER_PORT", str(runtime.free_port()))
    assert run([*TRAIN, "--timeout-s", "5"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert errors[0].startswith(
        f"graphkit train: error: cannot listen on MASTER_ADDR:MASTER_PORT = {UNRESOLVABLE}:"
    )


def test_world_size_without_rank(launch_environment, monkeypatch, capsys):
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert run(TRAIN) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert errors == [
        "graphkit train: error: WORLD_SIZE=2 is set but RANK is not, so this process "
        "cannot determine its rank. Start with torchrun, which sets both, or unset "
        "WORLD_SIZE to train in one process"
    ]


def srun_task_without_mpi(monkeypatch, rank: int) -> None:
    """Play task ``rank`` of a 2-task srun step on one node, with mpi4py hidden."""
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import raises ImportError
    monkeypatch.setenv("SLURM_STEP_NUM_TASKS", "2")
    monkeypatch.setenv("SLURM_PROCID", str(rank))


def test_srun_without_port_one_line(launch_environment, monkeypatch, capsys):
    srun_task_without_mpi(monkeypatch, rank=0)
    assert run(TRAIN) == 2
    lines = capsys.readouterr().err.splitlines()
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1, lines
    assert errors[0].startswith(
        "graphkit train: error: srun started 2 tasks on one node without MPI rank "
        "variables or mpi4py"
    )
    assert "MASTER_PORT is not set" in errors[0]
    assert "Traceback" not in "\n".join(lines)


def test_srun_without_port_silent_on_task_one(launch_environment, monkeypatch, capsys):
    # Every task reads the same variables, so task 0 prints the error for all.
    srun_task_without_mpi(monkeypatch, rank=1)
    assert run(TRAIN) == 2
    err = capsys.readouterr().err
    assert "error:" not in err
    assert "Traceback" not in err
