"""Logging for every graphkit command: a ``[rank r/W]`` prefix, INFO from rank 0 only."""

from __future__ import annotations

import logging
import os
import sys


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

    ``rank`` and ``world_size`` default to the ``RANK``/``WORLD_SIZE`` environment
    variables that torchrun sets, and to 0/1 in a plain process.
    """
    rank = int(os.environ.get("RANK", 0)) if rank is None else rank
    world_size = int(os.environ.get("WORLD_SIZE", 1)) if world_size is None else world_size
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
