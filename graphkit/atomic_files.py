"""Files written atomically: a temporary file in the same folder, then a rename.

The rename is atomic on POSIX file systems, so readers see the old file or the complete
new one, never a partial one, and a failed or interrupted write leaves the target as it
was and removes the temporary file. A pipe or device (``/dev/stdout``, ``/dev/null``,
a named pipe) cannot be replaced that way, so it is written in place.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path


# Bytes of the target's name kept in a temporary name. ext4, xfs and tmpfs allow names
# of at most 255 bytes, and a temporary name adds a dot, a random part and ".tmp".
TEMPORARY_NAME_BYTES = 200


def temporary_stem(name: str) -> str:
    """Return ``.NAME`` with NAME cut to its first :data:`TEMPORARY_NAME_BYTES` bytes.

    The bytes are those of the file system's encoding, so a name of 250 bytes, valid
    itself, still gets a temporary sibling name within the 255-byte limit.
    """
    return "." + os.fsdecode(os.fsencode(name)[:TEMPORARY_NAME_BYTES])


def is_stream(path: Path) -> bool:
    """Return True when ``path`` is a pipe, socket or character device.

    Symbolic links are followed, and a missing ``path`` gives False. ``/dev/stdout``
    links to the process's standard output, which may be a pipe or a terminal, and
    ``/dev/null`` is a character device.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)``, then rename the temporary file to ``path``.

    The temporary name has 48 random bits, so writers of one target in other
    processes or threads do not share a temporary file. When ``path`` is a symbolic
    link, the file it points to is replaced and the link stays, as with ``open(path,
    "w")``. When ``path`` is a pipe or device (:func:`is_stream`), ``write(path)``
    writes to it directly, because a rename would replace the device node itself.
    """
    if is_stream(path):
        write(path)
        return
    if path.is_symlink():
        # A rename onto the link would replace the link itself with a regular file.
        path = Path(os.path.realpath(path))
    # A unique name in place of mkstemp, whose files get mode 0600 and not the umask's.
    temporary = path.with_name(
        f"{temporary_stem(path.name)}.{uuid.uuid4().hex[:12]}.tmp"
    )
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    write_atomically(path, lambda temporary: temporary.write_text(text))
