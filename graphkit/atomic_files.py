"""Files written atomically: a temporary file in the same folder, then a rename.

The rename is atomic on POSIX file systems, so readers see the old file or the complete
new one, never a partial one, and a failed or interrupted write leaves the target as it
was and removes the temporary file. A pipe or device (``/dev/stdout``, ``/dev/null``,
a named pipe) cannot be replaced that way, so it is written in place.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
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


def umask_file_mode() -> int:
    """Return the mode that ``open(path, "w")`` gives a new file: 0o666 less the umask.

    ``tempfile.mkstemp`` creates its files with mode 0o600, so a temporary file renamed
    into place needs this mode set. Reading the umask means setting it and setting it
    back, so a file that another thread creates in between gets mode 0o600.
    """
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o666 & ~umask


def is_stream(path: Path) -> bool:
    """Return True when ``path`` is a pipe, socket or character device, or a link to
    an open file descriptor.

    Symbolic links are followed, and a missing ``path`` gives False. ``/dev/stdout``
    links to the process's standard output, which may be a pipe or a terminal, and
    ``/dev/null`` is a character device. When standard output is redirected to a
    regular file, ``/dev/stdout`` leads through ``/proc/self/fd/1`` to that file, and
    a rename would replace the file and drop what the command printed before.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode):
        return True
    return _through_descriptor_link(Path(path))


def _through_descriptor_link(path: Path) -> bool:
    """Return True when resolving ``path`` passes a ``/proc/*/fd/N`` or ``/dev/fd/N`` link."""
    path = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's limit of links to follow
        parent = Path(os.path.realpath(path.parent))
        if parent.name == "fd" and (
            parent.parent.parent == Path("/proc") or parent == Path("/dev/fd")
        ):
            return True
        if not path.is_symlink():
            return False
        target = Path(os.readlink(path))
        path = Path(os.path.abspath(parent / target))
    return False


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)``, then rename the temporary file to ``path``.

    The temporary name has 48 random bits, so writers of one target in other
    processes or threads do not share a temporary file. When ``path`` is a symbolic
    link, the file it points to is replaced and the link stays, as with ``open(path,
    "w")``. When ``path`` is a pipe, a device or a descriptor link such as
    ``/dev/stdout`` (:func:`is_stream`), the finished temporary file is appended to
    it, because a rename would replace the device node or the redirected file.
    """
    if is_stream(path):
        _write_to_stream(path, write)
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


def _write_to_stream(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file, then append its bytes to the stream ``path``.

    Appending does not truncate a regular file that ``/dev/stdout`` leads to, and the
    standard streams are flushed first, so the file keeps what the command printed
    and the output follows it. A failed ``write`` sends nothing to the stream.
    """
    with tempfile.TemporaryDirectory() as folder:
        temporary = Path(folder) / "output"
        write(temporary)
        sys.stdout.flush()
        sys.stderr.flush()
        with open(temporary, "rb") as source, open(path, "ab") as target:
            shutil.copyfileobj(source, target)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    write_atomically(path, lambda temporary: temporary.write_text(text))
