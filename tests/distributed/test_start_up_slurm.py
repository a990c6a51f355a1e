"""srun starts ranks of one group, or stops with an error, never N lone trainings.

No Slurm runs here: the tests set the variables that srun sets for a task
(``SLURM_PROCID``, ``SLURM_STEP_NUM_TASKS``, ``SLURM_NTASKS``, ``SLURM_LOCALID`` and,
with ``--mpi=pmix``, ``PMIX_RANK`` without ``PMIX_SIZE``).
"""

import json
import os
import subprocess
import sys
import types

import pytest
from graphkit.distributed.device import MPI_SIZE_VARIABLES, local_rank_from_env
from graphkit.distributed.runtime import _environment, free_port
from graphkit.launch.cmd_train import launched_distributed
from graphkit.launch.logs import launcher_rank, launcher_world_size
from graphkit.train.config import TrainConfig

pytestmark = pytest.mark.distributed

LAUNCHER_VARIABLES = (
    "RANK",
    "WORLD_SIZE",
    "MASTER_ADDR",
    "MASTER_PORT",
    "OMPI_COMM_WORLD_RANK",
    "PMI_RANK",
    "PMIX_RANK",
    *MPI_SIZE_VARIABLES,
    "SLURM_PROCID",
    "SLURM_NTASKS",
    "SLURM_STEP_NUM_TASKS",
    "SLURM_STEP_NUM_NODES",
    "SLURM_LOCALID",
)


def srun_task(rank: int, tasks: int = 2, pmix: bool = True) -> dict[str, str]:
    """Return the variables of task ``rank`` of ``srun -n TASKS`` on one node."""
    env = {
        "SLURM_PROCID": str(rank),
        "SLURM_NTASKS": str(tasks),
        "SLURM_STEP_NUM_TASKS": str(tasks),
        "SLURM_STEP_NUM_NODES": "1",
        "SLURM_LOCALID": str(rank),
    }
    if pmix:
        env["PMIX_RANK"] = str(rank)
    return env


@pytest.fixture
def clean_env(monkeypatch):
    for name in LAUNCHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


class FakeWorld:
    """Stand-in for ``mpi4py.MPI.COMM_WORLD`` as rank ``rank`` of ``size``."""

    def __init__(self, rank: int, size: int) -> None:
        self.rank, self.size = rank, size

    def Get_rank(self) -> int:
        return self.rank

    def Get_size(self) -> int:
        return self.size

    def allgather(self, value):
        return [value] * self.size

    def bcast(self, value, root: int = 0):
        return 29601 if value is None else value


def fake_mpi4py(monkeypatch, world) -> None:
    """Make ``from mpi4py import MPI`` return a module whose COMM_WORLD is ``world``."""
    mpi = types.ModuleType("mpi4py.MPI")
    mpi.COMM_WORLD = world
    package = types.ModuleType("mpi4py")
    package.MPI = mpi
    monkeypatch.setitem(sys.modules, "mpi4py", package)
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", mpi)


def without_mpi4py(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import raises ImportError


def test_pmix_rank_without_size_counts_as_launch(clean_env):
    for name, value in srun_task(1).items():
        clean_env.setenv(name, value)
    assert launched_distributed(TrainConfig())
    assert launcher_rank() == 1
    assert launcher_world_size() == 2
    assert local_rank_from_env(os.environ) == 1


def test_batch_script_is_one_process(clean_env):
    # sbatch --ntasks=4 runs the script once, with SLURM_PROCID=0 but no step variables.
    clean_env.setenv("SLURM_PROCID", "0")
    clean_env.setenv("SLURM_NTASKS", "4")
    assert not launched_distributed(TrainConfig())
    assert launcher_world_size() == 1
    assert _environment() == (0, 1, "127.0.0.1", 0)


def test_torchrun_rank_wins_in_batch_script(clean_env):
    # When torchrun runs inside an sbatch script, every worker keeps the script's
    # SLURM_PROCID=0, and only torchrun's RANK differs between the workers.
    clean_env.setenv("SLURM_PROCID", "0")
    clean_env.setenv("SLURM_NTASKS", "1")
    clean_env.setenv("RANK", "1")
    clean_env.setenv("WORLD_SIZE", "2")
    assert launcher_rank() == 1
    assert launcher_world_size() == 2


def test_slurm_variables_without_mpi4py(clean_env):
    without_mpi4py(clean_env)
    for name, value in srun_task(1).items():
        clean_env.setenv(name, value)
    clean_env.setenv("MASTER_PORT", "29602")
    assert _environment() == (1, 2, "127.0.0.1", 29602)


def test_slurm_variables_without_pmix(clean_env):
    # Under srun without --mpi, mpi4py would start each task as a world of one, so
    # start-up does not use it.
    fake_mpi4py(clean_env, FakeWorld(0, 1))
    for name, value in srun_task(1, pmix=False).items():
        clean_env.setenv(name, value)
    clean_env.setenv("MASTER_PORT", "29603")
    assert _environment() == (1, 2, "127.0.0.1", 29603)


def test_slurm_variables_need_master_port(clean_env):
    without_mpi4py(clean_env)
    for name, value in srun_task(0).items():
        clean_env.setenv(name, value)
    with pytest.raises(RuntimeError) as caught:
        _environment()
    message = str(caught.value)
    assert message.startswith("srun started 2 tasks on one node without MPI rank")
    assert "but MASTER_PORT is not set" in message
    assert "Export MASTER_PORT=PORT" in message


def test_slurm_variables_need_master_addr_on_nodes(clean_env):
    without_mpi4py(clean_env)
    for name, value in srun_task(0).items():
        clean_env.setenv(name, value)
    clean_env.setenv("SLURM_STEP_NUM_NODES", "2")
    clean_env.setenv("MASTER_PORT", "29604")
    with pytest.raises(RuntimeError, match="on 2 nodes .* but MASTER_ADDR is not set"):
        _environment()
    clean_env.setenv("MASTER_ADDR", "10.0.0.1")
    assert _environment() == (0, 2, "10.0.0.1", 29604)


def test_slurm_rank_out_of_range(clean_env):
    without_mpi4py(clean_env)
    for name, value in srun_task(2).items():
        clean_env.setenv(name, value)
    clean_env.setenv("MASTER_PORT", "29605")
    with pytest.raises(ValueError, match=r"SLURM_PROCID=2 and SLURM_STEP_NUM_TASKS=2"):
        _environment()


def test_pmix_rank_uses_mpi4py(clean_env):
    fake_mpi4py(clean_env, FakeWorld(1, 2))
    for name, value in srun_task(1).items():
        clean_env.setenv(name, value)
    assert _environment() == (1, 2, "127.0.0.1", 29601)


def test_mpi_world_of_one_under_srun_rejected(clean_env):
    # An MPI library without PMIx support starts each task alone.
    fake_mpi4py(clean_env, FakeWorld(0, 1))
    for name, value in srun_task(1).items():
        clean_env.setenv(name, value)
    with pytest.raises(RuntimeError) as caught:
        _environment()
    message = str(caught.value)
    assert message.startswith(
        "srun started 2 tasks (SLURM_STEP_NUM_TASKS=2), but MPI (mpi4py) reports a "
        "world of 1"
    )
    assert "(PMIX_RANK is set)" in message


def test_srun_tasks_train_as_one_group(tmp_path):
    """Two tasks with srun's variables and no mpi4py train one model into one --out."""
    hidden = tmp_path / "no_mpi4py" / "mpi4py"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    out = tmp_path / "run"
    port = str(free_port())
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in LAUNCHER_VARIABLES
    }
    pythonpath = os.pathsep.join(
        filter(None, [str(hidden.parent), os.environ.get("PYTHONPATH")])
    )
    command = [
        sys.executable, "-m", "graphkit.launch", "train", "--epochs", "2",
        "--dataset-options", "{num_nodes: 300}", "--out", str(out), "--timeout-s", "60",
    ]  # fmt: skip
    tasks = [
        subprocess.Popen(
            command,
            env={
                **base,
                **srun_task(rank),
                "MASTER_PORT": port,
                "OMP_NUM_THREADS": "1",
                "PYTHONPATH": pythonpath,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rank in range(2)
    ]
    outputs = [task.communicate(timeout=300) for task in tasks]
    for task, (_, stderr) in zip(tasks, outputs, strict=True):
        assert task.returncode == 0, stderr
    # Only rank 0 prints the test score, and its log lines name it as rank 0 of 2.
    assert outputs[0][0].startswith("test accuracy: ")
    assert outputs[1][0] == ""
    assert "[rank 0/2]" in outputs[0][1]
    epochs = [json.loads(line)["epoch"] for line in (out / "metrics.jsonl").open()]
    assert epochs == [1, 2]
