"""Detection of input paths that are symbolic link loops.

``Path.exists()`` and ``Path.is_file()`` return False for a link that leads back to
itself, because ``os.stat`` fails with ELOOP ("too many levels of symbolic links").
A "not found" error would then name a path that ``ls`` lists.
"""

from __future__ import annotations

import errno
import os


def is_link_loop(path: str | os.PathLike) -> bool:
    """Return whether ``os.stat(path)`` fails with ELOOP.

    This covers a link that leads back to itself, a longer cycle of links, and a
    folder on the way to ``path`` that is such a link.
    """
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def link_loop_message(path: str | os.PathLike, label: str) -> str:
    """Return the error text for ``path``, a symbolic link loop.

    ``label`` names the input at the start of the text, such as "checkpoint".
    """
    return (
        f"{label} {path} is a symbolic link loop: resolving it fails with 'too many "
        "levels of symbolic links'. Point the link, or a folder link on its path, at "
        "an existing file"
    )
