"""Checkpoints written atomically and loaded with ``weights_only=True``."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import torch

logger = logging.getLogger(__name__)


def save_checkpoint(state: dict, path: str | Path) -> None:
    """Write ``state`` to ``path`` through a temporary file and an atomic rename.

    A crash while writing leaves the previous checkpoint intact, never a truncated one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.debug("wrote checkpoint %s", path)


def load_checkpoint(path: str | Path, expected_graph: dict | None = None) -> dict:
    """Load a checkpoint and check it belongs to the same graph and partitioning.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: the file is not a readable checkpoint, or its ``graph`` record
            (node, edge and partition counts) differs from ``expected_graph``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for a damaged file
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(
            f"checkpoint {path} is unreadable or corrupted ({first_line}); delete it to "
            "resume from an earlier checkpoint"
        ) from error
    if expected_graph is not None and state.get("graph") != expected_graph:
        raise ValueError(
            f"checkpoint {path} was written for graph {state.get('graph')}, but this run "
            f"has {expected_graph}; resume only with the same dataset and partitioning"
        )
    return state


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The highest-epoch ``checkpoint_*.pt`` in ``folder``, or ``None``."""
    found = sorted(Path(folder).glob("checkpoint_*.pt"))
    return found[-1] if found else None
