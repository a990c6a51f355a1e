"""Warn when one integer node id is written in two ways, such as ``007`` and ``7``.

When every node id of an edge list and its feature and label files is an integer, the
ids are read as numbers, so ``007``, ``07``, ``+7`` and ``7`` are one node. That is
right for numbered nodes. Two spellings of one number in the same graph can also mean
that the ids are names, which the merge would join, so the loader logs a warning that
names both spellings with their files and lines.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from pathlib import Path

from .edge_table import is_int64
from .text_table import Row, open_text, read_table

logger = logging.getLogger(__name__)

# Finds every field that may be an integer in a form other than Python's str(int):
# a leading zero, a plus sign or -0. The match must start a number (no digit, letter,
# point or sign before it), so 10, 0.05 and 1e-05 do not match. Each branch matches
# its literal character first and only then looks behind it, so the regex engine can
# skip ahead to the next +, - or 0. A look-behind placed first is tried at every
# character: on a 12 MB edge list of 1M random integer edges, the search then took
# 0.15 s of CPU time instead of 0.06 s.
_UNUSUAL_INTEGER = re.compile(
    r"\+(?<![0-9A-Za-z.+-]\+)[0-9]"  # +7
    r"|-(?<![0-9A-Za-z.+-]-)0(?![.eE])"  # -07 or -0 alone
    r"|0(?<![0-9A-Za-z.+-]0)[0-9]"  # 07
)

# Characters read at a time when the edge list is searched for unusual integers.
_CHUNK_CHARACTERS = 1 << 20

# Maximum number of colliding spellings listed in the warning besides the first one.
_MAX_LISTED_COLLISIONS = 3


def is_unusual_spelling(text: str) -> bool:
    """Return whether ``text`` is an int64 id written other than as ``str(int(text))``."""
    return is_int64(text) and str(int(text)) != text


def warn_if_spellings_collide(
    edge_path: Path,
    delimiter: str | None,
    header: bool | str,
    id_files: list[tuple[Path, list[Row]]],
) -> None:
    """Log a warning when two spellings of one integer id occur in the input files.

    Args:
        edge_path (Path): The edge list, whose first two fields per line are ids.
        delimiter (str, optional), header (bool or "auto"): as for ``load_edge_list``.
        id_files (list): ``(path, rows)`` of the feature and label files, whose first
            field per row is a node id.

    The edge list is read a second time, line by line, only when its text contains a
    field that may be an unusual spelling (see ``_UNUSUAL_INTEGER``).
    """
    unusual_elsewhere = any(
        is_unusual_spelling(row.fields[0]) for _, rows in id_files for row in rows
    )
    if not unusual_elsewhere and not _may_contain_unusual_integer(edge_path):
        return
    edge_rows = read_table(edge_path, delimiter, False, "edge list", id_columns=2)
    if header is True:
        edge_rows = edge_rows[1:]
    sources = [(edge_path, edge_rows, 2), *((path, rows, 1) for path, rows in id_files)]
    first_seen: dict[int, tuple[str, Path, int]] = {}
    collisions: list[tuple[str, Path, int, tuple[str, Path, int]]] = []
    colliding_values: set[int] = set()
    for path, rows, id_columns in sources:
        for row in rows:
            for text in row.fields[:id_columns]:
                if not is_int64(text):
                    continue  # a header field, which the loader skips
                value = int(text)
                seen = first_seen.setdefault(value, (text, path, row.line_number))
                if seen[0] != text and value not in colliding_values:
                    colliding_values.add(value)
                    collisions.append((text, path, row.line_number, seen))
    if collisions:
        logger.warning(_collision_message(collisions))


def _may_contain_unusual_integer(path: Path) -> bool:
    """Return whether the file's text contains a match of ``_UNUSUAL_INTEGER``."""
    carried = ""
    try:
        with open_text(path) as handle:
            while chunk := handle.read(_CHUNK_CHARACTERS):
                text = carried + chunk
                if _UNUSUAL_INTEGER.search(text):
                    return True
                # A match and the characters checked before and after it span at
                # most 4 characters, so the end of this chunk is searched again
                # with the next one.
                carried = text[-8:]
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error):
        return False  # the loader read this file without error a moment earlier
    return False


def _collision_message(collisions: list) -> str:
    text, path, line, (first_text, first_path, first_line) = collisions[0]
    others = [
        f"{other!r} and {earlier[0]!r}" for other, _, _, earlier in collisions[1:]
    ]
    more = ""
    if others:
        listed = ", ".join(others[:_MAX_LISTED_COLLISIONS])
        rest = len(others) - _MAX_LISTED_COLLISIONS
        more = f" Also {listed}" + (f" and {rest} more" if rest > 0 else "") + "."
    return (
        f"{path}:{line}: node id {text!r} and {first_text!r} ({first_path}:{first_line}) "
        f"are the same integer {int(text)}, so they are one node. Node ids that are all "
        f"integers are read as numbers.{more} If these ids name different nodes, "
        "give them ids that are not integers (for example n007 and n7)."
    )
