"""The source of a partition folder: what ``graphkit partition`` read, and whether it changed.

``meta.json`` stores a ``source`` entry with the ``--dataset-options`` (file paths made
absolute), the data root of a named dataset, and for an edge list one record per file
read (the edge list and the ``features`` and ``labels`` files): absolute path, size in
bytes, modification time (``mtime_ns``) and SHA-256.

:func:`source_problem` compares a recorded file with the file on disk by this rule:

* A different size means the file changed.
* The same size and the same ``mtime_ns`` mean it did not, without reading it.
* The same size and another ``mtime_ns`` (a file copied or touched, or rewritten in
  place) are settled by hashing the file once.

Only rank 0 checks (:func:`check_source`), so a train run hashes each file at most once.
Where a recorded path does not exist, as on a machine with other mount points, the
train command's own file of the same role and name is checked, and without one the
record is skipped. Folders written before this entry existed have no ``source`` and
are not checked.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

import torch

from graphkit.distributed.files import PartitionFileError, sha256_of
from graphkit.option_names import option

logger = logging.getLogger(__name__)

# Loader options of an edge list that name files, by the role they play.
FILE_OPTIONS = ("features", "labels")
EDGE_LIST_ROLE = "edge list"
RECORD_KEYS = frozenset({"role", "path", "bytes", "mtime_ns", "sha256"})


def same_file(given: str | os.PathLike, recorded: str | os.PathLike) -> bool:
    """Return whether two spellings of an edge-list path name the same file.

    ``graphkit partition`` records the absolute path of an edge-list file. A relative
    path, as older folders record it, resolves against the working directory. On a
    machine without the recorded file (another mount point), equal file names match.
    """
    given_path, recorded_path = Path(given).expanduser(), Path(recorded).expanduser()
    if not given_path.is_file():
        return False
    if not recorded_path.is_file():
        return recorded_path.is_absolute() and given_path.name == recorded_path.name
    return given_path.resolve() == recorded_path.resolve()


def file_record(role: str, path: Path) -> dict:
    """Return the record of one source file: role, absolute path, size, mtime and hash."""
    status = path.stat()
    return {
        "role": role,
        "path": str(path.resolve()),
        "bytes": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "sha256": sha256_of(path),
    }


def source_paths(
    dataset: str, options: dict, root: str | None = None
) -> dict[str, Path]:
    """Return the existing files that an edge-list dataset reads, by role.

    Named datasets return an empty dict: their files lie under the data root and are
    not recorded.
    """
    from graphkit.datasets.layout import data_root
    from graphkit.datasets.registry import EDGE_LIST, canonical_name

    key = canonical_name(dataset)
    if key is None:
        edges = Path(dataset).expanduser()
    elif key == EDGE_LIST and isinstance(options.get("path"), (str, os.PathLike)):
        edges = Path(options["path"]).expanduser()
        if not edges.is_absolute() and not edges.exists() and root is not None:
            edges = data_root(root) / edges  # as the edge-list loader resolves it
    else:
        return {}
    paths = {EDGE_LIST_ROLE: edges}
    for role in FILE_OPTIONS:
        if isinstance(options.get(role), (str, os.PathLike)):
            paths[role] = Path(options[role]).expanduser()
    return {role: path for role, path in paths.items() if path.is_file()}


def normalized_options(options: dict) -> dict:
    """Return ``options`` as JSON values, with paths of existing files made absolute."""
    result = json.loads(json.dumps(options, default=str))
    for key in ("path", *FILE_OPTIONS):
        value = result.get(key)
        if isinstance(value, str) and Path(value).expanduser().is_file():
            result[key] = str(Path(value).expanduser().resolve())
    return result


def describe_source(dataset: str, root: str | None, options: dict) -> dict:
    """Return the ``source`` entry of ``meta.json`` for a dataset loaded with these arguments.

    Hashes every edge-list file once (streamed), which costs one more read of the
    files that partitioning loads.
    """
    from graphkit.datasets.layout import DATA_ENV
    from graphkit.datasets.registry import EDGE_LIST, SYNTHETIC, canonical_name

    key = canonical_name(dataset)
    named = key is not None and key not in (EDGE_LIST, SYNTHETIC)
    if named and root is None:
        root = os.environ.get(DATA_ENV) or None
    return {
        "dataset_options": normalized_options(options),
        "root": str(Path(root).expanduser().resolve()) if named and root else None,
        "files": [
            file_record(role, path)
            for role, path in source_paths(dataset, options, root).items()
        ],
    }


def _file_to_check(record: dict, train_files: dict[str, Path]) -> Path | None:
    """Return the file that represents ``record`` on this machine, or None if none does.

    The recorded path comes first. Where it is missing, the train command's own file
    of the same role counts when it has the same name (another mount point).
    """
    recorded = Path(record["path"])
    if recorded.is_file():
        return recorded
    candidate = train_files.get(record["role"])
    if candidate is not None and candidate.name == recorded.name:
        return candidate
    return None


def _when(mtime_ns: int) -> str:
    # Not datetime.UTC, which exists only from Python 3.11 (setup.py allows 3.10).
    moment = datetime.fromtimestamp(mtime_ns / 1e9, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def file_change(record: dict, path: Path) -> str | None:
    """Return how ``path`` differs from its ``record``, or None when it has not changed.

    Reads the file only when its size matches but its ``mtime_ns`` does not.

    NOTE: a file rewritten with the same size and the same ``mtime_ns`` (``cp -p``
    or ``rsync -t`` of another version) passes as unchanged.
    """
    status = path.stat()
    if status.st_size != record["bytes"]:
        return f"its size changed from {record['bytes']} to {status.st_size} bytes"
    if status.st_mtime_ns == record["mtime_ns"]:
        return None
    digest = sha256_of(path)
    if digest == str(record["sha256"]).lower():
        logger.debug("%s was touched but its SHA-256 is unchanged", path)
        return None
    return (
        f"its content changed (SHA-256 {digest[:16]}... instead of "
        f"{record['sha256'][:16]}..., modified {_when(status.st_mtime_ns)}, "
        f"partitioned from the version of {_when(record['mtime_ns'])})"
    )


def source_problem(
    meta: dict, folder, dataset: str, options: dict, root: str | None = None
) -> str | None:
    """Return an error message when a source file of the partitions changed, else None.

    Args:
        meta (dict): the folder's ``meta.json``.
        folder: the partition folder, for the message.
        dataset (str), options (dict), root (str, optional): ``--dataset``,
            ``--dataset-options`` and ``--root`` of the train command, whose files
            replace recorded files that are missing.
    """
    source = meta.get("source")
    if not isinstance(source, dict):
        return None
    records = source.get("files")
    if not isinstance(records, list) or not all(
        isinstance(record, dict) and RECORD_KEYS <= record.keys() for record in records
    ):
        return (
            f"the source entry of {folder}/meta.json is invalid: its files must be a "
            f"list of records with {', '.join(sorted(RECORD_KEYS))}. Run graphkit "
            f"partition again with --out {folder} --overwrite"
        )
    train_files = source_paths(dataset, options, root)
    for record in records:
        path = _file_to_check(record, train_files)
        if path is None:
            logger.info(
                "the %s %s recorded in %s was not found, so it is not checked",
                record["role"],
                record["path"],
                folder,
            )
            continue
        change = file_change(record, path)
        if change is not None:
            return (
                f"the {record['role']} {path} changed after graphkit partition wrote "
                f"{folder}: {change}. The partitions contain the old graph, so run "
                f"graphkit partition again with --out {folder} --overwrite"
            )
    return None


def options_problem(meta: dict, folder, options: dict) -> str | None:
    """Return an error message when ``options`` differ from the recorded dataset options.

    Returns None when ``options`` is empty (the train command then takes the graph
    from the partitions) or the folder recorded no options.
    """
    source = meta.get("source")
    if not options or not isinstance(source, dict) or "dataset_options" not in source:
        return None
    recorded = source["dataset_options"]
    given = normalized_options(options)
    differing = sorted(
        key
        for key in recorded.keys() | given.keys()
        if not _same_option(key, given.get(key), recorded.get(key))
    )
    if not differing:
        return None
    return (
        f"{option('dataset_options')} {json.dumps(given)} differ from the options "
        f"{json.dumps(recorded)} that {folder} was partitioned with (in "
        f"{', '.join(differing)}). Pass the recorded options or none, or run graphkit "
        f"partition again with these options into another --out folder"
    )


def _same_option(key: str, given, recorded) -> bool:
    if given == recorded:
        return True
    file_valued = key in ("path", *FILE_OPTIONS)
    if file_valued and isinstance(given, str) and isinstance(recorded, str):
        return same_file(given, recorded)
    return False


def root_problem(meta: dict, root: str | None) -> str | None:
    """Return a warning when ``root`` is another folder than the recorded data root.

    Only a warning, because the same data may lie under another root on another
    machine, and the files of a named dataset are not recorded.
    """
    source = meta.get("source")
    recorded = source.get("root") if isinstance(source, dict) else None
    if root is None or recorded is None:
        return None
    if Path(root).expanduser().resolve() == Path(recorded):
        return None
    return (
        f"{option('root', str(root))} is not the data root {recorded} that the "
        "partitions were written from, and the partitions keep the graph of that root. "
        "Run graphkit partition again if the data differ"
    )


def _failed_check(config, error: Exception) -> str:
    return (
        f"checking the source of the partitions in {config.partitions} failed: {error}"
    )


def check_source(comm, meta: dict, config, rank: int) -> None:
    """Raise PartitionFileError on every rank when the partitions' source changed.

    Rank 0 alone compares the source files and options (see :func:`source_problem`
    and :func:`options_problem`) and shares the outcome in one all-reduce. So the
    check reads each file at most once, and every rank stops together. Folders
    without a ``source`` entry pass.
    """
    problem = None
    if rank == 0:
        try:
            problem = options_problem(meta, config.partitions, config.dataset_options)
            problem = problem or source_problem(
                meta,
                config.partitions,
                config.dataset,
                config.dataset_options,
                config.root,
            )
        except OSError as error:
            # An unreadable file must not stop rank 0 alone while the others wait.
            logger.warning(
                "the source files of %s were not checked: %s", config.partitions, error
            )
        except (RuntimeError, ValueError, TypeError) as error:
            # Any other failure of the check (a malformed option, a ``~user`` path of
            # an unknown user) stops every rank with it, not rank 0 alone.
            problem = _failed_check(config, error)
        try:
            warning = root_problem(meta, config.root)
        except (RuntimeError, ValueError) as error:
            # A ``~user`` root of an unknown user cannot be resolved.
            problem = problem or _failed_check(config, error)
        else:
            if warning is not None:
                logger.warning(warning)
    flag = torch.tensor([float(problem is not None)], device=comm.device)
    comm.all_reduce(flag, label="setup")
    if problem is not None:
        raise PartitionFileError(problem, every_rank=True)
    if flag.item():
        raise PartitionFileError(
            f"rank 0 found that the dataset files or {option('dataset_options')} do not "
            f"match the partitions in {config.partitions}; see its error",
            every_rank=True,
        )
