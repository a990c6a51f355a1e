"""Rank, world size and store address of a task that Slurm's ``srun`` started.

``srun`` sets, for every task of a job step, ``SLURM_PROCID`` (the task's rank, 0 to
N-1), ``SLURM_STEP_NUM_TASKS`` (N), ``SLURM_STEP_NUM_NODES`` and ``SLURM_LOCALID``. With
``--mpi=pmix`` it adds ``PMIX_RANK`` and with ``--mpi=pmi2`` ``PMI_RANK``, but no size
variable that :data:`graphkit.launcher.MPI_SIZE_VARIABLES` lists. A batch script
(``sbatch``) or an ``salloc`` shell also has ``SLURM_NTASKS`` (the allocation's task
count) and ``SLURM_PROCID=0``, but it is one process, so only ``SLURM_STEP_NUM_TASKS``
marks a task of a launch of several.

NOTE: the variables are those of Slurm's srun and sbatch documentation and of
``env`` dumps from Slurm clusters. This code has been tested with the variables set by
hand, not under a real Slurm.

The rules of :func:`graphkit.distributed.runtime.init_process_group` for a step of
N > 1 tasks:

1. with an MPI rank variable (``PMIX_RANK``, ``PMI_RANK``) and mpi4py installed, MPI
   gives the rank and size, and the size must equal N;
2. otherwise ``SLURM_PROCID`` and N are the rank and size, and the tasks meet at
   ``MASTER_ADDR:MASTER_PORT``. ``MASTER_PORT`` must be set, and ``MASTER_ADDR`` too
   when the step spans several nodes (it defaults to 127.0.0.1 on one node).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from graphkit.launcher import SLURM_SIZE_VARIABLE, StartUpError

RANK_VARIABLE = "SLURM_PROCID"
SIZE_VARIABLE = SLURM_SIZE_VARIABLE
NODES_VARIABLE = "SLURM_STEP_NUM_NODES"
# Rank variables of the MPI process-management interfaces that srun --mpi offers.
MPI_RANK_VARIABLES = ("PMIX_RANK", "PMI_RANK")


def _integer(env: Mapping[str, str], name: str, default: int | None = None) -> int:
    """Return variable ``name`` as an integer, or ``default`` when unset or empty."""
    text = env.get(name)
    if not text:
        if default is None:
            raise StartUpError(
                f"srun started this task, but environment variable {name} is not set. "
                "Start it with srun, which sets it, or unset SLURM_STEP_NUM_TASKS",
                every_rank=True,
            )
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"environment variable {name}={text!r} is not an integer. Unset it or let "
            "srun set it"
        ) from None


def step_size(env: Mapping[str, str] | None = None) -> int:
    """Return the number of tasks of this srun step, or 1 outside a step."""
    return _integer(os.environ if env is None else env, SIZE_VARIABLE, 1)


def step_rank(env: Mapping[str, str] | None = None) -> int:
    """Return ``SLURM_PROCID`` after checking that it lies in ``[0, step_size())``."""
    env = os.environ if env is None else env
    size = step_size(env)
    rank = _integer(env, RANK_VARIABLE)
    if not 0 <= rank < size:
        raise ValueError(
            f"invalid srun variables {RANK_VARIABLE}={rank} and "
            f"{SIZE_VARIABLE}={size}: {RANK_VARIABLE} must lie in "
            f"[0, {SIZE_VARIABLE}). Start the tasks with srun, which sets both"
        )
    return rank


def has_mpi_rank(env: Mapping[str, str] | None = None) -> bool:
    """Return whether srun's ``--mpi`` plugin (pmix, pmi2) set a rank variable."""
    env = os.environ if env is None else env
    return any(env.get(name) for name in MPI_RANK_VARIABLES)


def check_mpi_world(size: int, env: Mapping[str, str] | None = None) -> None:
    """Raise StartUpError when MPI's world size differs from srun's task count.

    An MPI library without support for srun's process-management interface starts
    each task as a world of its own (size 1), which would train N copies of the model.
    Every task reads the same two sizes, so all of them raise or none does.
    """
    env = os.environ if env is None else env
    slurm_size = step_size(env)
    if size == slurm_size:
        return
    plugins = ", ".join(name for name in MPI_RANK_VARIABLES if env.get(name))
    raise StartUpError(
        f"srun started {slurm_size} tasks ({SIZE_VARIABLE}={slurm_size}), but MPI "
        f"(mpi4py) reports a world of {size}, so the MPI library does not "
        f"use srun's process-management interface ({plugins} is set). Pass the --mpi "
        "plugin that this MPI was built for (srun --mpi=list shows the choices), or "
        "uninstall mpi4py and export MASTER_PORT (and MASTER_ADDR) so that graphkit "
        f"reads {RANK_VARIABLE} and {SIZE_VARIABLE}",
        every_rank=True,
    )


def store_address(env: Mapping[str, str] | None = None) -> str:
    """Return ``MASTER_ADDR`` for rank 0's store, by default 127.0.0.1 on one node.

    Raises:
        StartUpError: ``MASTER_PORT`` is unset, or ``MASTER_ADDR`` is unset while the
            step spans several nodes. Without MPI, the tasks have no other way to
            agree on rank 0's address and port.
    """
    env = os.environ if env is None else env
    size, nodes = step_size(env), _integer(env, NODES_VARIABLE, 1)
    missing = []
    if nodes > 1 and not env.get("MASTER_ADDR"):
        missing.append("MASTER_ADDR")
    if not env.get("MASTER_PORT"):
        missing.append("MASTER_PORT")
    if missing:
        where = f"{nodes} nodes" if nodes > 1 else "one node"
        raise StartUpError(
            f"srun started {size} tasks on {where} without MPI rank variables or "
            f"mpi4py, so graphkit reads each task's rank from {RANK_VARIABLE}, but "
            f"{' and '.join(missing)} is not set and the tasks cannot find rank 0's "
            "store. Export MASTER_PORT=PORT (a free port) and, on several nodes, "
            "MASTER_ADDR as rank 0's host (the first of scontrol show hostnames "
            '"$SLURM_JOB_NODELIST") before srun, or install mpi4py and pass srun '
            "--mpi=pmix",
            every_rank=True,
        )
    return env.get("MASTER_ADDR") or "127.0.0.1"
