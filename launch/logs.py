"""Logging for every graphkit command: a ``[rank r/W]`` prefix, INFO from rank 0 only.

INFO records come from graphkit's own loggers only, and warnings from any logger.
"""

from __future__ import annotations

import logging
import sys

# The launcher's variables, kept importable from here for the commands that log them.
from graphkit.launcher import (  # noqa: F401
    RANK_VARIABLES,
    SIZE_VARIABLES,
    launcher_rank,
    launcher_world_size,
)


class _RankFilter(logging.Filter):
    def __init__(self, rank: int, world_size: int) -> None:
        super().__init__()
        self.prefix = f"[rank {rank}/{world_size}]"
        self.rank = rank

    def filter(self, record: logging.LogRecord) -> bool:
        record.rank_prefix = self.prefix
        if record.levelno >= logging.WARNING:
            return True
        # Other libraries' INFO records, such as matplotlib's "generated new
        # fontManager", tell a user nothing about the command, so only their warnings pass.
        if record.name != "graphkit" and not record.name.startswith("graphkit."):
            return False
        # Progress is printed by rank 0; other ranks still report warnings and errors.
        return self.rank == 0


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
