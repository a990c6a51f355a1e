"""An exclusive lock on a training run's ``out`` folder, so that two runs cannot share it.

Two runs started into one empty ``out`` at the same time both pass the check for an
earlier run, and then append to one ``metrics.jsonl`` and overwrite each other's
checkpoints. The lock is ``flock`` on the folder itself, so it adds no file to the
folder, and the kernel drops it when the process ends, even on SIGKILL. Trainers of
one process share the lock (it counts them), so only another process is rejected.
A folder that cannot be opened or locked (no read permission, NFS, a file system
without locks) logs a warning and stays unlocked.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from graphkit.option_names import from_command_line

logger = logging.getLogger(__name__)

# Resolved folder path -> [file descriptor or None, number of holders in this process].
# None marks a folder whose file system rejected the lock, which runs unlocked.
_HELD: dict[str, list] = {}


class OutFolderInUseError(ValueError):
    """Another process holds the lock on the ``out`` folder."""


def _in_use_message(out: Path) -> str:
    if from_command_line():
        return (
            f"--out {out} is in use by another graphkit train process that is still "
            "running. Wait for it to end or stop it, then pass --resume auto to "
            "continue that run, or choose another --out folder"
        )
    return (
        f"TrainConfig(out={str(out)!r}) is in use by another process that is still "
        "training into it. Wait for it to end or stop it, or choose another out folder"
    )


def _lock(path: str, out: Path) -> int | None:
    """Open ``path`` and lock it. Return the descriptor, or None where locks fail."""
    import fcntl

    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        # A folder without read permission (mode 0300) cannot be opened to lock.
        logger.warning(
            "cannot open %s to lock it (%s), so a second run started into it at the "
            "same time would go undetected",
            out,
            error.strerror or error,
        )
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise OutFolderInUseError(_in_use_message(out)) from None
    except OSError as error:
        # NFS emulates flock with byte-range locks, whose exclusive form may need a
        # descriptor open for writing (EBADF here), and some file systems have no locks.
        os.close(descriptor)
        logger.warning(
            "cannot lock %s (%s), so a second run started into it at the same time "
            "would go undetected",
            out,
            error.strerror or error,
        )
        return None
    return descriptor


def check_not_in_use(out: str | os.PathLike) -> None:
    """Raise OutFolderInUseError when another process holds the lock on ``out``.

    It tests the lock without keeping it. A folder that this process has locked, or
    one that cannot be opened or locked, passes.
    """
    import fcntl

    path = os.path.realpath(out)
    if path in _HELD:
        return
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutFolderInUseError(_in_use_message(Path(out))) from None
    except OSError:
        return
    finally:
        os.close(descriptor)


class OutFolderLock:
    """The lock on one ``out`` folder, taken by :meth:`acquire` and dropped by :meth:`release`."""

    def __init__(self, out: str | os.PathLike) -> None:
        self.out = Path(out)
        self.held = False
        # The resolved path at acquire time, so a renamed folder still releases.
        self._key: str | None = None

    def acquire(self) -> None:
        """Create ``out`` and lock it.

        Raises:
            OutFolderInUseError: another process holds the lock.
        """
        if self.held:
            return
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            # A ValueError, so that the input checks stop every rank, not rank 0 alone.
            raise ValueError(
                f"cannot create the out folder {self.out} ({error.strerror or error}). "
                "Choose a writable location"
            ) from error
        path = os.path.realpath(self.out)
        entry = _HELD.get(path)
        if entry is None:
            _HELD[path] = [_lock(path, self.out), 1]
        else:
            entry[1] += 1
        self._key, self.held = path, True

    def release(self) -> None:
        """Drop this holder. The lock ends when the last holder in the process drops it."""
        if not self.held:
            return
        self.held = False
        entry = _HELD.get(self._key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _HELD[self._key]
            if entry[0] is not None:
                os.close(entry[0])
