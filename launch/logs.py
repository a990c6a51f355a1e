"""Logging for every graphkit command: a ``[rank r/W]`` prefix, INFO from rank 0 only."""

from __future__ import annotations

import logging
import os
import sys

# Rank and world-size variables of torchrun, Open MPI, MPICH (Hydra), PMIx and Slurm's
# srun, in that order of precedence. srun --mpi=pmix sets PMIX_RANK but no PMIX_SIZE,
# and a batch script has SLURM_PROCID=0 but no SLURM_STEP_NUM_TASKS.
RANK_VARIABLES = (
    "RANK",
    "OMPI_COMM_WORLD_RANK",
    "PMI_RANK",
    "PMIX_RANK",
    "SLURM_PROCID",
)
SIZE_VARIABLES = (
    "WORLD_SIZE",
    "OMPI_COMM_WORLD_SIZE",
    "PMI_SIZE",
    "PMIX_SIZE",
    "SLURM_STEP_NUM_TASKS",
)


def _first_integer(names: tuple[str, ...], default: int) -> int:
    """Parse the first non-empty variable of ``names`` as an integer, else ``default``.

    Raises:
        ValueError: that variable is not an integer.
    """
    for name in names:
        text = os.environ.get(name)
        if not text:
            continue
        try:
            return int(text)
        except ValueError:
            raise ValueError(
                f"environment variable {name}={text!r} is not an integer. Unset it or "
                "let the launcher (torchrun, mpiexec) set it"
            ) from None
    return default


def launcher_rank() -> int:
    """Return this process's rank under torchrun, mpiexec or srun, else 0."""
    return _first_integer(RANK_VARIABLES, 0)


def launcher_world_size() -> int:
    """Return the number of processes under torchrun, mpiexec or srun, else 1."""
    return _first_integer(SIZE_VARIABLES, 1)


class _RankFilter(logging.Filter):
    def __init__(self, rank: int, world_size: int) -> None:
        super().__init__()
        self.prefix = f"[rank {rank}/{world_size}]"
        self.rank = rank

    def filter(self, record: logging.LogRecord) -> bool:
        record.rank_prefix = self.prefix
        # Progress is printed by rank 0; other ranks still report warnings and errors.
        return self.rank == 0 or record.levelno >= logging.WARNING


def setup_logging(
    rank: int | None = None, world_size: int | None = None, level: str | int = "INFO"
) -> None:
    """Configure the root logger once per process.

    ``rank`` and ``world_size`` default to the variables that torchrun or an MPI
    launcher sets (:data:`RANK_VARIABLES`, :data:`SIZE_VARIABLES`), and to 0 and 1 in
    a plain process, so only rank 0 logs INFO before the process group starts.
    """
    rank = launcher_rank() if rank is None else rank
    world_size = launcher_world_size() if world_size is None else world_size
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RankFilter(rank, world_size))
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(rank_prefix)s %(levelname)s %(name)s: %(message)s",
                          datefmt="%H:%M:%S")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
