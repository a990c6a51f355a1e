"""Output files of the commands: checked before the work starts, written atomically."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from graphkit.atomic_files import is_stream

# The commands import the atomic writers from here.
from graphkit.atomic_files import write_atomically, write_text_atomically  # noqa: F401


def path_option(text: str) -> Path:
    """Convert the text of a path option to a ``Path``, rejecting an empty or blank one.

    ``Path("")`` is the working folder, so an empty value (an unset shell variable in
    ``--out "$DIR"``) would write into, or with ``--overwrite`` replace, the folder the
    command runs in. A leading ``~`` is expanded, because a quoted path (or
    ``--out=~/x``) reaches the command with it unexpanded by the shell.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is an empty path. Give a file or folder name"
        )
    return Path(text).expanduser()


def check_output_file(path: Path, option: str) -> None:
    """Raise ValueError when ``path`` cannot be written as the output file of ``option``.

    Commands call this before their work, so that a typo in an output path fails in a
    second instead of after a long run. The folder must already exist. For a symbolic
    link, the checks apply to the file it points to, which the atomic write replaces.
    A pipe or device such as ``/dev/stdout`` only has to be writable, because it is
    written in place.
    """
    if is_stream(path):
        if not os.access(path, os.W_OK):
            raise ValueError(f"{option} {path} is not writable. Choose another path")
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise ValueError(f"{option} {path} is a directory. Give a file path")
    folder = target.parent
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"{option} {path}: {folder} is a file, not a folder. Choose another path"
        )
    if not folder.is_dir():
        raise ValueError(
            f"{option} {path}: folder {folder} does not exist. Create it first or "
            "choose another path"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(
            f"{option} {path}: folder {folder} is not writable. Choose another path"
        )
    # os.access returns True for root in every folder, even where the file system
    # creates no files (/proc), so create a file there, as the final atomic write will.
    # TemporaryFile opens it with O_TMPFILE where the file system supports it (Linux
    # ext4, xfs, tmpfs), so it has no name that Ctrl-C could leave behind. Elsewhere
    # it creates and at once removes a file with a unique name.
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(
            f"{option} {path}: cannot create a file in folder {folder} "
            f"({error.strerror}). Choose another path"
        ) from None


def check_output_folder_path(path: Path, option: str) -> None:
    """Raise ValueError when ``path`` or one of its parents is an existing file.

    Commands call this before their work, so that an ``option`` value naming a file fails
    before anything is computed.
    """
    for candidate in (path, *path.parents):
        if not candidate.exists():
            continue
        if candidate.is_dir():
            return
        where = (
            f"{option} {path}" if candidate == path else f"{option} {path}: {candidate}"
        )
        raise ValueError(
            f"{where} is a file, not a folder. Choose another {option} folder"
        )
