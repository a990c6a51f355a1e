"""Find a dataset's raw files under a data root, and give PyG a writable place to process.

A root may be the ``graphs/`` folder (containing ``planetoid/``, ``webkb/``, ...), one
dataset family folder itself (a copy of ``graphs/planetoid``), or a family folder next to
the family needed (``graphs/wikipedia`` next to ``graphs/yandex_npz``).

PyG loaders write ``processed/`` next to ``raw/``. When that folder is not writable (a
read-only shared copy), :func:`pyg_root` copies the raw files into the cache folder
(``GRAPHKIT_CACHE``, default ``~/.cache/graphkit``) and hands PyG the copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graphkit.option_names import from_command_line, option

from .errors import DatasetNotFoundError
from .stale_processed import reprocessing, stale_processed_folders

logger = logging.getLogger(__name__)

DATA_ENV = "GRAPHKIT_DATA"
CACHE_ENV = "GRAPHKIT_CACHE"


@dataclass(frozen=True)
class RawFiles:
    """The raw files of one dataset inside its family folder.

    Attributes:
        family: Name of the family folder under ``graphs/`` (``"planetoid"``).
        folder: Folder of the files, relative to the family folder (``"Cora/raw"``).
        names: File names inside ``folder``.
        description: What the files are, for the message when some are missing.
    """

    family: str
    folder: str
    names: tuple[str, ...]
    description: str

    def paths(self, family_dir: Path) -> list[Path]:
        return [family_dir / self.folder / name for name in self.names]

    def missing(self, family_dir: Path) -> list[Path]:
        return [path for path in self.paths(family_dir) if not path.is_file()]


def data_root(root: str | os.PathLike | None) -> Path:
    """Return ``root``, or the folder named by ``GRAPHKIT_DATA`` when ``root`` is None.

    An empty or blank ``root`` raises DatasetNotFoundError, because as a path it would
    be the working folder, where a download would then write.
    """
    if root is not None and not str(root).strip():
        option_name = "--root" if from_command_line() else "root"
        raise DatasetNotFoundError(
            f"{option_name} is empty ({str(root)!r}). Pass the data folder, or leave "
            f"{option_name} out to use {DATA_ENV}"
        )
    if root is None:
        root = os.environ.get(DATA_ENV)
        if not root:
            cli_hint = " (--root DIR)" if from_command_line() else ""
            raise DatasetNotFoundError(
                f"no data root given: pass root=DIR{cli_hint} or set "
                f"{DATA_ENV} to the graphs/ folder (the one containing planetoid/, "
                "webkb/, ...) or to one dataset family folder such as graphs/planetoid"
            )
    return Path(root).expanduser()


def cache_root() -> Path:
    """Return the writable cache folder (``GRAPHKIT_CACHE``, default ``~/.cache/graphkit``)."""
    return Path(
        os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "graphkit"
    ).expanduser()


def candidate_family_dirs(root: Path, family: str) -> list[Path]:
    """List the folders that may be the family folder, in the order they are tried."""
    candidates = [root / family, root, root.parent / family]
    unique: list[Path] = []
    for path in candidates:
        if path not in unique:
            unique.append(path)
    return unique


def find_family_dir(root: Path, raw: RawFiles) -> Path | None:
    """Return the first candidate family folder holding every file of ``raw``, else None."""
    for family_dir in candidate_family_dirs(root, raw.family):
        if not raw.missing(family_dir):
            return family_dir
    return None


def download_hint() -> str:
    """Return the download instruction in the caller's syntax (Python or CLI)."""
    if from_command_line():
        return (
            "Pass download=True to fetch them (on the command line: --dataset-options "
            "'{download: true}' with graphkit train or graphkit partition)."
        )
    return "Pass download=True to fetch them."


def missing_files_error(
    root: Path, raw: RawFiles, dataset: str, hint: str = ""
) -> Exception:
    """Build the error for files of ``raw`` that no candidate folder contains.

    The message lists the missing files of the candidate that contains the most of them, the
    folders searched, and what the raw folder should contain.
    """
    candidates = candidate_family_dirs(root, raw.family)
    best = min(candidates, key=lambda family_dir: len(raw.missing(family_dir)))
    missing = raw.missing(best)
    shown = ", ".join(str(path) for path in missing[:4])
    if len(missing) > 4:
        shown += f" and {len(missing) - 4} more"
    searched = ", ".join(str(path / raw.folder) for path in candidates)
    message = (
        f"{dataset}: raw file(s) not found: {shown}. Searched {searched}. "
        f"The folder <root>/{raw.family}/{raw.folder} (or <root>/{raw.folder} when root "
        f"is the {raw.family} folder itself) should contain {raw.description}."
    )
    if not raw.missing(root / "graphs" / raw.family):
        # A common slip: root is the shared data folder that contains graphs/.
        message += (
            f" {root / 'graphs'} contains them, so pass that folder as "
            f"{option('root')}."
        )
    for ancestor in (root.parent, root.parent.parent):
        if ancestor != root and not raw.missing(ancestor):
            # root is the dataset's own folder (planetoid/Cora) or its raw/ folder,
            # while PyG and graphkit take the folder above it.
            message += (
                f" {ancestor} contains them, so pass that folder as {option('root')}."
            )
            break
    if hint:
        message += " " + hint
    return DatasetNotFoundError(message, missing[0] if missing else None)


def require_family_dir(root: Path, raw: RawFiles, dataset: str, hint: str = "") -> Path:
    """Return the family folder holding every file of ``raw``; raise if there is none."""
    family_dir = find_family_dir(root, raw)
    if family_dir is None:
        raise missing_files_error(root, raw, dataset, hint)
    return family_dir


def _cache_key(family_dir: Path, files: Sequence[Path]) -> str:
    """Hash the source folder and the size and modification time of each raw file."""
    digest = hashlib.sha1(str(family_dir.resolve()).encode())
    for path in files:
        info = path.stat()
        digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _copy_raw_files(family_dir: Path, raws: Sequence[RawFiles], target: Path) -> None:
    for raw in raws:
        for name, source in zip(raw.names, raw.paths(family_dir)):
            destination = target / raw.folder / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


@contextmanager
def pyg_root(
    family_dir: Path, raws: Sequence[RawFiles], processed: Sequence[str]
) -> Iterator[Path]:
    """Yield a root where a PyG loader finds the raw files of ``raws`` and may write.

    Args:
        family_dir (Path): Family folder that contains every file of ``raws``.
        raws (Sequence[RawFiles]): Raw files the loader reads.
        processed (Sequence[str]): Folders the loader writes, relative to the root.

    The root is ``family_dir`` itself when the folders the loader writes into are
    writable, else a copy of the raw files under :func:`cache_root`. A processed folder
    in place that is older than a raw file is moved aside first, so PyG processes the
    raw files again instead of loading the old graph. If the body raises,
    the folders created for this call are removed again, so a failed load leaves nothing
    behind. Processes that load the same folder at once (the ranks of one job) take
    turns, so only the first one processes and the others read its result.
    """
    with _folder_lock(family_dir):
        if all(_writable_parent(family_dir / folder) for folder in processed):
            with _in_place_root(family_dir, raws, processed) as root:
                yield root
        else:
            with _cached_root(family_dir, raws) as root:
                yield root


@contextmanager
def _in_place_root(
    family_dir: Path, raws: Sequence[RawFiles], processed: Sequence[str]
) -> Iterator[Path]:
    folders = [family_dir / folder for folder in processed]
    raw_paths = [path for raw in raws for path in raw.paths(family_dir)]
    with reprocessing(stale_processed_folders(raw_paths, folders)):
        created = [path for path in folders if not path.exists()]
        try:
            yield family_dir
        except BaseException:
            for path in created:
                shutil.rmtree(path, ignore_errors=True)
            raise


@contextmanager
def _cached_root(family_dir: Path, raws: Sequence[RawFiles]) -> Iterator[Path]:
    files = [path for raw in raws for path in raw.paths(family_dir)]
    target = cache_root() / raws[0].family / _cache_key(family_dir, files)
    created_now = not target.exists()
    if created_now:
        logger.info("copying raw files from read-only %s to %s", family_dir, target)
        staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _copy_raw_files(family_dir, raws, staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    try:
        yield target
    except BaseException:
        if created_now:
            shutil.rmtree(target, ignore_errors=True)
        raise


@contextmanager
def _folder_lock(family_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``family_dir`` (a lock file under the cache folder)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    key = hashlib.sha1(str(family_dir.resolve()).encode()).hexdigest()[:16]
    path = cache_root() / "locks" / f"{key}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError as error:
        logger.warning(
            "loading %s without a lock: cannot create %s (%s)", family_dir, path, error
        )
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _writable_parent(path: Path) -> bool:
    """Tell whether ``path`` exists writable, or could be created in a writable folder.

    A folder counts as writable only when its owner-write permission bit is set as well,
    because ``os.access`` returns True for root even on folders marked read-only (mode
    0555), and those are the shared copies that must stay untouched.
    """
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)
