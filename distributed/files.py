"""The partition folder: one file per partition and a ``meta.json`` describing them.

``meta.json`` holds the number of partitions, node ranges, edge cut, halo sizes and the
SHA-256 of every partition file. ``graphkit partition`` adds the dataset name, the
partitioning options and a ``source`` entry (see :mod:`graphkit.distributed.source`).
Each rank reads only its own file, checks the checksum, and loads it onto the CPU with
``torch.load(weights_only=True)``. The caller moves it to the training device once.

A file stores its in-edges as one tensor sorted by source partition, with an offset
per source partition (format ``graphkit-partition-2``, see
:mod:`graphkit.distributed.packed_edges`). Loading returns them as one tensor per peer.
It also reads files of format ``graphkit-partition-1``, which store one tensor per peer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import torch
from torch import Tensor

from graphkit.distributed.packed_edges import unpack_edges
from graphkit.distributed.partition import (
    EDGE_WEIGHT_DROPPED,
    PAYLOAD_FORMAT,
    PER_PEER_FORMAT,
    partition_payloads,
    partition_summary,
)
from graphkit.launcher import ranks_share_one_machine
from graphkit.whole_numbers import require_whole_number

logger = logging.getLogger(__name__)

META_NAME = "meta.json"


class PartitionFileError(RuntimeError):
    """A partition folder or file is missing, corrupted or does not fit the run.

    Attributes:
        every_rank (bool): True when every rank raises the same error from the same
            ``meta.json`` and options, so the command line reports it from rank 0 only.
    """

    def __init__(self, message: str, every_rank: bool = False) -> None:
        super().__init__(message)
        self.every_rank = every_rank


def part_file_name(rank: int) -> str:
    return f"part-{rank:04d}.pt"


def sha256_of(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def write_partitions(
    data,
    parts: Tensor,
    num_parts: int,
    out_dir: str | os.PathLike,
    info: dict | None = None,
) -> dict:
    """Write one file per partition and ``meta.json`` into ``out_dir``; return the metadata.

    The files are written into a hidden temporary folder inside ``out_dir`` and moved
    into place, ``meta.json`` last, only when all of them are written. An error or an
    interrupt before that leaves ``out_dir`` as it was, an earlier partition set
    included. Other files in ``out_dir`` are kept. A process killed outright
    (SIGKILL) can leave the hidden ``.partitions.*.tmp`` folder behind, and one
    killed while the files are moved leaves a folder without ``meta.json``, which
    loading rejects.

    Args:
        data: PyG ``Data`` with ``edge_index`` and optional ``x``, ``y``, masks and
            ``edge_attr``.
        parts (LongTensor): ``[N]`` partition of each node.
        num_parts (int): number of partitions.
        info (dict, optional): extra entries for ``meta.json`` (dataset name, method).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Inside out_dir, so that the moves stay on one file system, where each rename
    # is atomic.
    staging = Path(tempfile.mkdtemp(prefix=".partitions.", suffix=".tmp", dir=out))
    try:
        meta = _write_partition_files(data, parts, num_parts, staging, info)
        # Without meta.json the folder is not a partition set, so a process killed
        # during the moves leaves no mix of old and new files that looks complete.
        (out / META_NAME).unlink(missing_ok=True)
        for entry in meta["files"]:
            (staging / entry["name"]).replace(out / entry["name"])
        (staging / META_NAME).replace(out / META_NAME)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return meta


def _write_partition_files(
    data, parts: Tensor, num_parts: int, out: Path, info: dict | None
) -> dict:
    """Write the partition files and ``meta.json`` into the empty folder ``out``."""
    files = []
    for rank, payload in partition_payloads(data, parts, num_parts, packed=True):
        path = out / part_file_name(rank)
        torch.save(payload, path)
        files.append(
            {"name": path.name, "sha256": sha256_of(path), "bytes": path.stat().st_size}
        )
        # Log the file name only, because the folder is a temporary one.
        logger.info("wrote %s (%d nodes)", path.name, payload["global_ids"].numel())
        node_ranges = payload["node_ranges"]
        del payload
    summary = partition_summary(data.edge_index, parts, num_parts)
    meta = {
        "format": PAYLOAD_FORMAT,
        "num_parts": num_parts,
        "num_nodes": int(data.num_nodes),
        "num_edges": int(data.edge_index.size(1)),
        "node_ranges": node_ranges.tolist(),
        # The files keep no edge weights, so each later load repeats the warning.
        "edge_weight_dropped": getattr(data, "edge_weight", None) is not None,
        **summary,
        "files": files,
        **(info or {}),
    }
    (out / META_NAME).write_text(json.dumps(meta, indent=2))
    return meta


def read_metadata(folder: str | os.PathLike) -> dict:
    """Read ``meta.json`` of a partition folder."""
    path = Path(folder) / META_NAME
    if path.is_dir():
        raise PartitionFileError(
            f"{path} is a folder, not a file, so {folder} is not a partition folder "
            "that graphkit partition wrote. Re-run graphkit partition into an empty "
            "folder"
        )
    if not path.is_file():
        raise PartitionFileError(
            f"{path} not found: {folder} is not a partition folder; create one with "
            "'graphkit partition --dataset NAME --parts N --out DIR'"
        )
    try:
        # utf-8-sig also reads a file that an editor saved with a byte-order mark.
        meta = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PartitionFileError(
            f"{path} is not valid JSON ({error}); re-run graphkit partition",
            every_rank=ranks_share_one_machine(),
        ) from error
    try:
        _check_metadata(meta, path)
    except PartitionFileError as error:
        # Ranks on one machine read the same meta.json, so they all raise this error
        # and only rank 0 prints it.
        error.every_rank = ranks_share_one_machine()
        raise
    return meta


def partitioning_id(meta: dict) -> str:
    """Return a short hash of the partition files' SHA-256 checksums in ``meta``.

    Two folders get the same id when their partition files have the same content,
    which assigns every node to the same partition.
    """
    checksums = json.dumps([str(entry["sha256"]).lower() for entry in meta["files"]])
    return hashlib.sha256(checksums.encode()).hexdigest()[:16]


def _check_metadata(meta, path: Path) -> None:
    """Raise PartitionFileError unless ``meta`` has the entries that loading reads.

    Without this check a hand-edited or foreign ``meta.json`` fails with a bare
    KeyError or TypeError that names neither the file nor the entry.
    """
    problem = None
    if not isinstance(meta, dict):
        problem = f"it contains a JSON {type(meta).__name__}, not an object"
    else:
        missing = [k for k in ("num_parts", "num_nodes", "files") if k not in meta]
        parts, files = meta.get("num_parts"), meta.get("files")
        if missing:
            problem = f"it lacks the entries {', '.join(missing)}"
        elif not isinstance(parts, int) or isinstance(parts, bool) or parts < 1:
            problem = f"num_parts is {parts!r}, not a positive integer"
        elif not _is_int(meta["num_nodes"]) or meta["num_nodes"] < 0:
            problem = f"num_nodes is {meta['num_nodes']!r}, not an integer >= 0"
        elif not isinstance(files, list):
            problem = f"files is a JSON {type(files).__name__}, not a list"
        elif not all(
            isinstance(entry, dict) and {"name", "sha256"} <= entry.keys()
            for entry in files
        ):
            problem = "an entry of files lacks its name or sha256"
        elif not all(
            isinstance(entry["name"], str) and isinstance(entry["sha256"], str)
            for entry in files
        ):
            problem = "an entry of files has a name or sha256 that is not a JSON string"
        else:
            problem = _file_name_problem(files)
    if problem is not None:
        raise PartitionFileError(
            f"{path} is not a graphkit partition description because {problem}. "
            "Re-run graphkit partition into an empty folder"
        )
    _check_consistency(meta, path)


def _file_name_problem(files: list[dict]) -> str | None:
    """Return why a name in ``files`` is not a file name inside the folder, else None.

    graphkit partition writes bare names such as ``part-0000.pt``. A name with a
    folder part (``../x.pt``, ``/etc/x``) would make a rank read a file outside the
    partition folder.
    """
    for entry in files:
        name = entry["name"]
        if name in ("", "..") or Path(name).name != name:
            return f"an entry of files is named {name!r}, not a file name in the folder"
    return None


def _check_consistency(meta: dict, path: Path) -> None:
    """Raise PartitionFileError when num_parts, files, node_ranges and num_nodes disagree.

    Without this check a ``meta.json`` edited by hand (num_parts lowered, one entry
    of files removed) fails later inside training, with an error that names neither
    the file nor the fix.
    """
    parts, files, ranges = meta["num_parts"], meta["files"], meta.get("node_ranges")
    conflict = None
    if len(files) != parts:
        noun = "entry" if len(files) == 1 else "entries"
        conflict = f"num_parts is {parts}, but files lists {len(files)} {noun}"
    elif ranges is None:
        return
    elif not isinstance(ranges, list) or not all(_is_int(value) for value in ranges):
        conflict = f"node_ranges is {_shorten(ranges)}, not a list of integers"
    elif len(ranges) != parts + 1:
        conflict = (
            f"num_parts is {parts}, but node_ranges {_shorten(ranges)} has "
            f"{len(ranges)} entries, which describe {len(ranges) - 1} partitions "
            f"({parts + 1} entries expected)"
        )
    elif _is_int(meta["num_nodes"]) and ranges[-1] != meta["num_nodes"]:
        conflict = (
            f"num_nodes is {meta['num_nodes']}, but node_ranges {_shorten(ranges)} "
            f"ends at {ranges[-1]}"
        )
    if conflict is not None:
        raise PartitionFileError(
            f"{path} is inconsistent: {conflict}. The partition files were written "
            "for the values that graphkit partition recorded, so meta.json cannot be "
            "edited to change them. To train on N processes, re-run graphkit "
            "partition --parts N into an empty folder"
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shorten(values, limit: int = 8) -> str:
    """Return ``values`` as JSON, with the middle of a long list left out."""
    if isinstance(values, list) and len(values) > limit:
        head = ", ".join(json.dumps(value) for value in values[: limit - 2])
        tail = ", ".join(json.dumps(value) for value in values[-2:])
        return f"[{head}, ..., {tail}]"
    return json.dumps(values)


def check_world_size(meta: dict, world_size: int, folder) -> None:
    parts = int(meta["num_parts"])
    if parts != world_size:
        raise PartitionFileError(
            f"{folder} contains {parts} partitions but the world size is {world_size}; start "
            f"{parts} processes (torchrun --nproc_per_node={parts}, or mpiexec -n {parts}) or "
            f"re-partition with --parts {world_size}",
            every_rank=True,
        )


def _reject_foreign_file(path: Path, meta: dict, meta_path: Path) -> None:
    """Raise when ``path`` is a readable partition of another graph or partition count."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        nodes = int(payload["node_ranges"][-1])
        parts = int(payload["num_parts"])
    except Exception:  # unreadable: reported as corrupted by the caller
        return
    if (nodes, parts) != (int(meta["num_nodes"]), int(meta["num_parts"])):
        raise PartitionFileError(
            f"partition file {path} belongs to a graph of {nodes} nodes in {parts} "
            f"partitions, but {meta_path} describes {meta['num_nodes']} nodes in "
            f"{meta['num_parts']} partitions; re-run graphkit partition into an empty folder"
        )


def _check_file_fits(path: Path, payload: dict, meta: dict, meta_path: Path) -> None:
    """Raise when the checked file ``path`` was written for other partitions than ``meta``.

    The caller has already matched the file's checksum, so a mismatch here means that
    ``meta.json`` was edited after the files were written.
    """
    parts, ranges = int(payload["num_parts"]), payload["node_ranges"].tolist()
    recorded = meta.get("node_ranges", ranges)
    if parts == meta["num_parts"] and ranges == recorded:
        return
    raise PartitionFileError(
        f"{meta_path} describes num_parts {meta['num_parts']} with node_ranges "
        f"{_shorten(recorded)}, but partition file {path} was written for num_parts "
        f"{parts} with node_ranges {_shorten(ranges)}. meta.json cannot be edited to "
        "change the partitions. To train on N processes, re-run graphkit partition "
        "--parts N into an empty folder"
    )


def load_partition(folder: str | os.PathLike, rank: int, world_size: int) -> dict:
    """Load and verify partition ``rank`` of the folder for a run of ``world_size`` ranks.

    Returns the payload as ``partition_payloads`` yields it without ``packed``: edges
    and edge features as one tensor per peer, and no ``format`` entry.
    """
    # Python and NumPy integers and one-element integer tensors pass. world_size is
    # checked first, so that the rank check below does not blame the rank.
    size = require_whole_number(
        world_size, f"world_size must be an int >= 1, got {world_size!r}", minimum=1
    )
    # meta["files"][-1] would load the last file, and a float would fail as a list
    # index.
    rank = require_whole_number(
        rank,
        f"rank must be an int in [0, {size}) for world_size={size}, got {rank!r}",
        minimum=0,
        maximum=size - 1,
    )
    world_size = size
    meta = read_metadata(folder)
    check_world_size(meta, world_size, folder)
    if meta.get("edge_weight_dropped") and rank == 0:
        logger.warning("%s: %s", Path(folder) / META_NAME, EDGE_WEIGHT_DROPPED)
    entry = meta["files"][rank]
    path = Path(folder) / entry["name"]
    if path.is_dir():
        raise PartitionFileError(
            f"partition file {path} is a folder, not a file. Re-run graphkit partition"
        )
    if not path.is_file():
        raise PartitionFileError(
            f"partition file {path} is missing; re-run graphkit partition"
        )
    meta_path = Path(folder) / META_NAME
    digest = sha256_of(path)
    # hexdigest() is lower case, but a checksum copied from another tool may not be.
    if digest != str(entry["sha256"]).lower():
        _reject_foreign_file(path, meta, meta_path)
        raise PartitionFileError(
            f"partition file {path} is corrupted: its SHA-256 {digest[:16]}... differs from "
            f"{entry['sha256'][:16]}... in {META_NAME}; re-run graphkit partition"
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch.load raises many types for a damaged file
        raise PartitionFileError(
            f"partition file {path} could not be loaded: {error}"
        ) from error
    found = payload.get("format") if isinstance(payload, dict) else None
    if found not in (PAYLOAD_FORMAT, PER_PEER_FORMAT):
        raise PartitionFileError(
            f"{path} is not a graphkit partition file of format {PAYLOAD_FORMAT} or "
            f"{PER_PEER_FORMAT} (found format {found!r}). Re-run graphkit partition "
            "into an empty folder"
        )
    if payload["rank"] != rank:
        raise PartitionFileError(
            f"{path} contains partition {payload['rank']}, expected {rank}"
        )
    _check_file_fits(path, payload, meta, meta_path)
    if found == PER_PEER_FORMAT:
        # Format 1 already stores one edge tensor per peer.
        del payload["format"]
        return payload
    try:
        return unpack_edges(payload)
    except ValueError as error:
        raise PartitionFileError(
            f"partition file {path} is corrupted: {error}. Re-run graphkit partition "
            "into an empty folder"
        ) from error
