"""Rank and world size that a launcher (torchrun, mpiexec, srun) sets, read without torch.

The world size is the first variable of :data:`SIZE_VARIABLES` whose value is above 1,
else 1. ``graphkit train`` trains distributed when it is above 1. Then
``graphkit.distributed.runtime.init_process_group`` takes the rank from the launcher
that set that variable. The command line prints an error that every rank raises from
rank 0 only.
"""

from __future__ import annotations

import os

# Rank variables of torchrun, Open MPI, MPICH (Hydra), PMIx, MVAPICH2's mpirun_rsh and
# Slurm's srun, in that order of precedence. srun --mpi=pmix sets PMIX_RANK but no
# PMIX_SIZE, and a batch script has SLURM_PROCID=0 but no SLURM_STEP_NUM_TASKS.
RANK_VARIABLES = (
    "RANK",
    "OMPI_COMM_WORLD_RANK",
    "PMI_RANK",
    "PMIX_RANK",
    "MV2_COMM_WORLD_RANK",
    "SLURM_PROCID",
)
# World-size variables set by MPI launchers: Open MPI, MPICH (Hydra) or another PMI,
# PMIx, MPICH's count of ranks on this machine, and MVAPICH2's mpirun_rsh. mpi4py
# gives the world size itself. NOTE: the MV2_ variables are tested as set by hand, not
# under a real mpirun_rsh.
MPI_SIZE_VARIABLES = (
    "OMPI_COMM_WORLD_SIZE",
    "PMI_SIZE",
    "PMIX_SIZE",
    "MPI_LOCALNRANKS",
    "MV2_COMM_WORLD_SIZE",
)
# The task count of an srun job step, as graphkit.distributed.slurm.SIZE_VARIABLE.
SLURM_SIZE_VARIABLE = "SLURM_STEP_NUM_TASKS"
SIZE_VARIABLES = ("WORLD_SIZE", *MPI_SIZE_VARIABLES, SLURM_SIZE_VARIABLE)


class StartUpError(RuntimeError):
    """Invalid launch settings found at start-up: a launcher variable, ``MASTER_ADDR``.

    ``graphkit`` commands print it as one ``error:`` line, without a traceback.

    Attributes:
        every_rank (bool): True when every rank raises it for the same cause, so the
            command line prints it from rank 0 only.
    """

    def __init__(self, message: str, every_rank: bool = False) -> None:
        super().__init__(message)
        self.every_rank = every_rank


def _integer(name: str) -> int | None:
    """Return variable ``name`` as an integer, or None when it is unset or empty.

    Raises:
        ValueError: the variable is not an integer.
    """
    text = os.environ.get(name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"environment variable {name}={text!r} is not an integer. Unset it or "
            "let the launcher (torchrun, mpiexec, srun) set it"
        ) from None


def launcher_rank() -> int:
    """Return the first set variable of :data:`RANK_VARIABLES`, else 0."""
    for name in RANK_VARIABLES:
        value = _integer(name)
        if value is not None:
            return value
    return 0


def world_size_variable() -> tuple[str | None, int]:
    """Return the first variable of :data:`SIZE_VARIABLES` above 1, and its value.

    Returns ``(None, 1)`` when no such variable is set.
    """
    for name in SIZE_VARIABLES:
        value = _integer(name)
        if value is not None and value > 1:
            return name, value
    return None, 1


def launcher_world_size() -> int:
    """Return the number of processes under torchrun, mpiexec or srun, else 1."""
    return world_size_variable()[1]


# Pairs of variables (ranks on this machine, total ranks) that torchrun, Open MPI,
# MPICH's Hydra and MVAPICH2's mpirun_rsh set. Slurm sets the node count of the job
# step instead.
LOCAL_SIZE_PAIRS = (
    ("LOCAL_WORLD_SIZE", "WORLD_SIZE"),
    ("OMPI_COMM_WORLD_LOCAL_SIZE", "OMPI_COMM_WORLD_SIZE"),
    ("MPI_LOCALNRANKS", "PMI_SIZE"),
    ("MV2_COMM_WORLD_LOCAL_SIZE", "MV2_COMM_WORLD_SIZE"),
)
SLURM_NODES_VARIABLE = "SLURM_STEP_NUM_NODES"


def ranks_share_one_machine() -> bool:
    """Return whether the launcher placed every rank on this machine.

    Then every rank reads the same files, so an error about a path that every rank
    finds is printed once. Without a launcher variable that gives the counts, this
    returns False, so that each rank still prints what it found.
    """
    for local_name, world_name in LOCAL_SIZE_PAIRS:
        local, world = _integer(local_name), _integer(world_name)
        if local is not None and world is not None:
            return local == world
    return _integer(SLURM_NODES_VARIABLE) == 1
