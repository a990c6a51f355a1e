"""The partitioning record of a checkpoint, and the warning when a resume changes it.

The model and optimizer state are replicated on every rank, so a checkpoint resumes on
any partitioning with the same number of parts. Each rank's dropout masks and the
order of float sums follow its partition, though, so the resumed run then no longer
repeats the interrupted one.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def partitioning_record(partitions: str | None, parts_method: str,
                        world_size: int) -> dict | None:
    """Return the record of this run's partitioning that checkpoints store.

    A run of one process has one partition, whatever its folder, so its record is
    None. A partition folder is recorded by its path, its ``method`` in ``meta.json``
    and a hash of its files' checksums, or without the last two when the caller built
    the graph and the folder has no readable ``meta.json``. Without a folder, each rank
    partitions the dataset in memory with ``parts_method``.
    """
    if world_size == 1:
        return None
    if not partitions:
        return {"folder": None, "method": parts_method, "id": None}
    from graphkit.distributed.files import (
        PartitionFileError,
        partitioning_id,
        read_metadata,
    )

    record = {"folder": str(Path(partitions).resolve()), "method": None, "id": None}
    try:
        meta = read_metadata(partitions)
    except PartitionFileError:
        return record
    record["method"] = meta.get("method")
    record["id"] = partitioning_id(meta)
    return record


def describe_partitioning(record: dict | None) -> str:
    """Describe a record of :func:`partitioning_record` for a log message."""
    if record is None:
        return "one process (no partitioning)"
    if record["folder"] is None:
        return f"the {record['method']} partitioning in memory"
    if record["id"] is None:
        return f"the partition folder {record['folder']} (no readable meta.json)"
    method = record["method"] or "unknown method"
    return f"the partition folder {record['folder']} ({method}, files {record['id']})"


def warn_other_partitioning(state: dict, current: dict | None, path: Path,
                            is_main: bool) -> None:
    """Warn on rank 0 when the checkpoint's partitioning differs from this run's.

    Checkpoints written before the record was stored have no ``partitioning`` entry
    and resume without the warning. Two folders with the same files are the same
    partitioning, wherever they are.
    """
    if not is_main or "partitioning" not in state:
        return
    saved = state["partitioning"]
    if _same(saved, current):
        return
    logger.warning(
        "checkpoint %s was written on %s, but this run uses %s. The model and "
        "optimizer state do not depend on the partitioning, so the run continues, "
        "but its dropout masks and the order of its float sums differ, so it will not "
        "repeat the interrupted run. Resume on the checkpoint's partitioning to "
        "repeat it",
        path, describe_partitioning(saved), describe_partitioning(current),
    )


def _same(saved: dict | None, current: dict | None) -> bool:
    if saved is None or current is None:
        return saved is current
    if saved.get("id") is not None or current.get("id") is not None:
        return saved.get("id") == current.get("id")
    return saved.get("method") == current.get("method")
