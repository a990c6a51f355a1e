"""Read the edge-list file of :func:`~graphkit.datasets.edge_list.load_edge_list`.

Integer edge lists are parsed in bulk by pandas' C parser, which is far faster and uses
far less memory than one Python object per line on files with millions of edges. Any
file the bulk reader does not accept as clean (string ids, a bad line, a missing field)
is read again line by line, which raises the error with file, line number and content.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import MalformedLineError
from .text_table import (
    COMMENT,
    damaged_gzip_error,
    detect_delimiter,
    is_gzip,
    is_plain_number,
    log_skipped_header,
    looks_like_header,
    missing_file_error,
    not_utf8_error,
    open_text,
    parse_floats,
    read_table,
    reject_empty_ids,
    reject_index_header,
    require_width,
    split_fields,
    trailing_separator_hint,
)

logger = logging.getLogger(__name__)


_INT64_RANGE = range(-(2**63), 2**63)


def is_int64(text: str) -> bool:
    """Return whether ``text`` is an integer in the int64 range.

    Larger integer ids (such as unsigned 64-bit hashes) are kept as string ids, because
    an int64 array cannot store them.
    """
    if not is_plain_number(text):
        return False
    try:
        return int(text) in _INT64_RANGE
    except ValueError:
        return False


@dataclass
class EdgeTable:
    """The edges of an edge-list file, one row per data line.

    Attributes:
        ends (np.ndarray): ``[E, 2]`` source and target ids, int64 for integer ids and an
            object array of str otherwise.
        weights (np.ndarray, optional): ``[E]`` float32 weights from a third column.
        line_numbers (np.ndarray, optional): ``[E]`` 1-based line of each edge; None
            when the bulk reader parsed the file.
    """

    ends: np.ndarray
    weights: np.ndarray | None
    line_numbers: np.ndarray | None


def read_edge_table(
    path: Path, delimiter: str | None, header: bool | str, bulk: bool = True
) -> EdgeTable:
    """Read an edge list of ``source, target[, weight]`` lines (see ``load_edge_list``)."""
    if not path.is_file():
        raise missing_file_error(path, "edge list")
    table = _read_in_bulk(path, delimiter, header) if bulk else None
    return table if table is not None else read_edges_by_line(path, delimiter, header)


def read_edges_by_line(
    path: Path, delimiter: str | None, header: bool | str
) -> EdgeTable:
    """Read the edge list line by line, raising on the first malformed line."""
    rows = read_table(path, delimiter, header, "edge list", id_columns=2)
    require_width(rows, path, (2, 3), "source, target and optionally a weight")
    reject_empty_ids(rows, path, 2, "each edge needs a source and a target id")
    for row in rows:
        if len(row.fields) != len(rows[0].fields):
            raise MalformedLineError(
                path,
                row.line_number,
                row.line,
                f"{len(row.fields)} fields, but line {rows[0].line_number} has "
                f"{len(rows[0].fields)}; give a weight on every line or on none",
            )
    ends = np.empty((len(rows), 2), dtype=object)
    for position, row in enumerate(rows):
        ends[position] = row.fields[:2]
    if all(is_int64(value) for value in ends.ravel()):
        ends = ends.astype(np.int64)
    else:
        reject_missing_value_ids(rows, path, 2)
        warn_note_in_ids(rows, path)
    weights = None
    if rows and len(rows[0].fields) == 3:
        empty = [row for row in rows if row.fields[2] == ""]
        if empty:
            row = empty[0]
            if len(empty) == len(rows):
                reason = "the third field is empty on every line" + (
                    trailing_separator_hint(row) or ". Delete the third column"
                )
            else:
                reason = (
                    "the edge weight (third field) is empty. Give a weight on every "
                    "line or on none"
                )
            raise MalformedLineError(path, row.line_number, row.line, reason)
        meaning = "the third column is the edge weight. Delete it if it contains other data"
        weights = parse_floats(rows, path, slice(2, 3), meaning).reshape(-1)
    line_numbers = np.array([row.line_number for row in rows], dtype=np.int64)
    return EdgeTable(ends, weights, line_numbers)


def warn_note_in_ids(rows, path: Path) -> None:
    """Warn when an id contains `` #``, which reads like a note but is part of the id."""
    noted = [
        (row, value)
        for row in rows
        for value in row.fields[:2]
        if _NOTE_IN_ID.search(value)
    ]
    if not noted:
        return
    row, value = noted[0]
    logger.warning(
        "%s:%d: node id %r contains ' #' (%d ids in the file do). A '#' starts a "
        "comment only at the start of a line, so the text after it is part of the id. "
        "Move such notes to lines of their own",
        path,
        row.line_number,
        value,
        len(noted),
    )


_NOTE_IN_ID = re.compile(rf"\s{COMMENT}")

# Text forms of a missing value: pandas (nan, <NA>), R (NA) and Python (None).
MISSING_VALUE_WORDS = {"nan", "-nan", "na", "<na>", "none", "null"}


def reject_missing_value_ids(
    rows, path: Path, id_columns: int, integers_elsewhere: bool = False
) -> None:
    """Raise when every id is an integer except missing values such as ``nan``.

    ``df.astype(str).to_csv`` writes a missing id as ``nan``, which would load as one
    node shared by every such line, and would turn every integer id into a string id.
    Among string ids, ``NA`` or ``None`` may name a node, so those files load as
    written. ``integers_elsewhere`` is True when another file of the graph has
    integer ids, as the edge list has for a label file.
    """
    missing = None
    has_integer = integers_elsewhere
    for row in rows:
        for value in row.fields[:id_columns]:
            if is_int64(value):
                has_integer = True
            elif value.lower() in MISSING_VALUE_WORDS:
                missing = missing or (row, value)
            else:
                return
    if missing is None or not has_integer:
        return
    row, value = missing
    raise MalformedLineError(
        path,
        row.line_number,
        row.line,
        f"node id {value!r} is a missing value among integer ids. Drop the lines "
        "with a missing id before writing the file (df.dropna() in pandas)",
    )


def _read_in_bulk(
    path: Path, delimiter: str | None, header: bool | str
) -> EdgeTable | None:
    """Parse an all-integer edge list with pandas; return None to use the line reader."""
    try:
        import pandas as pd
    except ImportError:
        return None
    first = _first_data_lines(path, 2)
    if not first:
        return None
    if delimiter is None:
        delimiter = detect_delimiter(first[0][1])
    fields = [split_fields(text, delimiter) for _, text in first]
    guessed = header == "auto"
    if guessed:
        header = looks_like_header(
            fields[0], fields[1] if len(fields) > 1 else None, id_columns=2
        )
    try:
        frame = pd.read_csv(
            path,
            sep=delimiter if delimiter is not None else r"\s+",
            header=None,
            comment=COMMENT,
            skiprows=[first[0][0]] if header else None,
            skip_blank_lines=True,
            engine="c",
            # Detect gzip from the content, as read_table does, not from the file name.
            compression="gzip" if is_gzip(path) else None,
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    except (EOFError, gzip.BadGzipFile, zlib.error):
        return None  # The line reader then raises an error that names the file.
    if frame.shape[1] not in (2, 3) or frame.isna().any().any():
        return None
    try:
        if _has_inline_comment_mark(path):
            # pandas cut such a line at the "#", but read_table keeps it as data.
            return None
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error):
        return None  # The line reader then raises an error that names the file.
    # pandas reads ids above the int64 maximum as uint64, which to_numpy(np.int64)
    # would wrap to negative ids, so those go to the line reader as well.
    if not all(frame[column].dtype == np.int64 for column in (0, 1)):
        return None
    weights = None
    if frame.shape[1] == 3:
        if not pd.api.types.is_numeric_dtype(frame[2]):
            return None
        weights = frame[2].to_numpy(dtype=np.float32)
    ends = frame[[0, 1]].to_numpy(dtype=np.int64)
    if guessed and header:
        second = fields[1] if len(fields) > 1 else None
        # ``first`` contains stripped lines, which hide a header's leading tab. A
        # header with another field count than the next line therefore goes to the
        # line reader, which checks the raw line for a tab-indented index header.
        if second is not None and len(fields[0]) != len(second):
            return None
        reject_index_header(path, first[0][0] + 1, first[0][1], fields[0], second)
        log_skipped_header(path, first[0][0] + 1, first[0][1])
    logger.debug("read %d edges from %s in bulk", len(ends), path)
    return EdgeTable(ends, weights, None)


def _has_inline_comment_mark(path: Path, chunk_chars: int = 2**24) -> bool:
    """Return whether a data line of ``path`` contains ``#`` after its start.

    The file is read in chunks of whole lines. Only the lines that contain a ``#``
    are looked at, so a file whose comment lines come first costs one read.
    """
    with open_text(path) as handle:
        rest = ""
        while True:
            chunk = handle.read(chunk_chars)
            text = rest + chunk
            if chunk:
                cut = text.rfind("\n") + 1
                text, rest = text[:cut], text[cut:]
            if _has_mark_after_data(text):
                return True
            if not chunk:
                return False


def _has_mark_after_data(text: str) -> bool:
    """Return whether a line of ``text`` has a ``#`` after a non-blank character."""
    position = text.find(COMMENT)
    while position != -1:
        line_start = text.rfind("\n", 0, position) + 1
        if text[line_start:position].strip():
            return True
        # The rest of this line is a comment, so the search goes on at the next line.
        line_end = text.find("\n", position)
        if line_end == -1:
            return False
        position = text.find(COMMENT, line_end)
    return False


def _first_data_lines(path: Path, count: int) -> list[tuple[int, str]]:
    """Return ``(0-based line index, stripped text)`` of the first data lines."""
    lines: list[tuple[int, str]] = []
    try:
        with open_text(path) as handle:
            for index, line in enumerate(handle):
                text = line.strip()
                if text and not text.startswith(COMMENT):
                    lines.append((index, text))
                    if len(lines) == count:
                        break
    except UnicodeDecodeError as error:
        raise not_utf8_error(path, error) from error
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise damaged_gzip_error(path, error) from error
    return lines
