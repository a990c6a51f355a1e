"""Read delimited text tables (CSV, TSV, whitespace) with line numbers kept for errors.

A file that starts with the gzip magic bytes ``1f 8b`` is decompressed while it is
read, whatever its name, so ``edges.txt.gz`` loads like ``edges.txt``.
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graphkit.compressed_data import MAGIC_LENGTH, unsupported_compression
from graphkit.link_loops import is_link_loop, link_loop_message
from graphkit.option_names import from_command_line

from .errors import DatasetFormatError, DatasetNotFoundError, MalformedLineError
from .table_options import check_header, delimiter_from_name

logger = logging.getLogger(__name__)

# Column names that mark a first line as a header when ``header="auto"``.
HEADER_WORDS = {
    "source", "src", "target", "dst", "destination", "from", "to", "node", "nodes",
    "node_id", "nodeid", "id", "ids", "name", "u", "v", "head", "tail", "node1", "node2",
    "label", "labels", "class", "y", "category", "weight",
}  # fmt: skip
COMMENT = "#"
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
NPY_MAGIC = b"\x93NUMPY"


@dataclass
class Row:
    """One data line of a table: its 1-based line number, text and fields."""

    line_number: int
    line: str
    fields: list[str]


def read_table(
    path: str | Path,
    delimiter: str | None = None,
    header: bool | str = "auto",
    what: str = "",
    id_columns: int = 1,
) -> list[Row]:
    """Read the data lines of a delimited text file.

    Blank lines and lines starting with ``#`` are skipped. A ``#`` later in a line is
    data, not the start of a comment, because ids may contain it. Fields are in Unicode
    normal form NFC, so ids and labels spelled in NFC and NFD match.

    Args:
        path (str or Path): The file.
        delimiter (str, optional): Field separator; None picks tab if the first data line
            contains a tab, else a comma if it contains one, else any whitespace.
            ``tab`` and ``space`` name one tab or one space character.
        header (bool or "auto"): Whether the first data line is a header. ``"auto"``
            takes it as a header when one of its fields is a usual column name (such as
            ``src``, ``target``, ``id``, ``label``) or when a column that is numeric in
            the second line contains a non-empty non-number in the first and no node
            id column is numeric in both lines.
        what (str): What the file is, for error messages ("edge list").
        id_columns (int): Number of leading columns that contain node ids: 2 for an
            edge list, 1 for a feature or label file.
    """
    path = Path(path)
    delimiter = delimiter_from_name(delimiter)
    check_header(header)
    if not path.is_file():
        raise missing_file_error(path, what or "input")
    rows: list[Row] = []
    try:
        with open_text(path) as handle:
            for line_number, line in enumerate(handle, start=1):
                text = line.strip()
                if not text or text.startswith(COMMENT):
                    continue
                if not text.isascii():
                    # One name typed on two systems may arrive composed (NFC) in one
                    # file and decomposed (NFD, as HFS+ file names) in another.
                    text = unicodedata.normalize("NFC", text)
                if delimiter is None and not rows:
                    delimiter = detect_delimiter(text)
                text = keep_leading_delimiter(text, line, delimiter)
                fields = split_fields(text, delimiter)
                rows.append(Row(line_number, line, fields))
    except UnicodeDecodeError as error:
        raise not_utf8_error(path, error) from error
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise damaged_gzip_error(path, error) from error
    if header == "auto":
        header = bool(rows) and looks_like_header(
            rows[0].fields, rows[1].fields if len(rows) > 1 else None, id_columns
        )
        if header:
            first = rows[0]
            if id_columns == 2 and len(rows) > 1:
                reject_index_header(
                    path, first.line_number, first.line, first.fields, rows[1].fields
                )
            log_skipped_header(path, first.line_number, first.line)
    return rows[1:] if header else rows


def keep_leading_delimiter(text: str, line: str, delimiter: str | None) -> str:
    """Put back a whitespace delimiter (tab, space) that stripping removed from the start.

    A tab-separated line that starts with a tab has an empty first field, which
    :func:`reject_empty_ids` reports with the line number. Splitting on any run of
    whitespace (``delimiter`` None) ignores leading whitespace, so ``text`` is kept then.
    """
    if not delimiter or not delimiter.isspace():
        return text
    leading = line[: len(line) - len(line.lstrip())]
    return delimiter + text if delimiter in leading else text


def missing_file_error(path: Path, file_kind: str) -> DatasetNotFoundError:
    """Return the error for an input ``path`` that is missing or is a folder.

    ``file_kind`` names the file in the message ("edge list").
    """
    if is_link_loop(path):
        return DatasetNotFoundError(link_loop_message(path, f"{file_kind} file"), path)
    if not path.is_dir():
        where = "" if path.is_absolute() else f" (relative to the working folder {Path.cwd()})"
        return DatasetNotFoundError(f"{file_kind} file not found: {path}{where}", path)
    entries = sorted(entry.name for entry in path.iterdir() if entry.is_file())
    listed = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    contents = f" (it contains {listed})" if entries else ""
    return DatasetNotFoundError(
        f"{file_kind} file {path} is a folder, not a file{contents}. Pass the path of the "
        f"{file_kind} file itself",
        path,
    )


def reject_index_header(
    path: Path, line_number: int, line: str, first: list[str], second: list[str] | None
) -> None:
    """Raise MalformedLineError when the header ``first`` leaves its first column unnamed.

    pandas' ``DataFrame.to_csv`` and R's ``write.csv`` write the row index as a first
    column without a name: ``,source,target``, or ``<TAB>source<TAB>target``, whose
    leading tab :func:`keep_leading_delimiter` keeps. Read with that header skipped, the
    index would load as the node ids and every other column would shift by one.
    Callers pass edge lists and label files, whose rows have at least 2 columns
    without an index. ``line`` is the raw line, with its leading tab.
    """
    if second is None or len(second) < 3:
        return
    unnamed = len(first) == len(second) and first[0] == "" and all(first[1:])
    tab_indented = line.startswith("\t") and len(first) == len(second) - 1
    if not (unnamed or tab_indented):
        return
    raise MalformedLineError(
        path,
        line_number,
        line,
        f"the header gives no name to the first of the {len(second)} columns of the "
        "next line, as a file written with its row index by pandas' DataFrame.to_csv "
        "or R's write.csv does, and that index would load as the node ids. Write the "
        "file without the index (index=False in pandas, row.names=FALSE in R), or "
        "delete the first column",
    )


def log_skipped_header(path: Path, line_number: int, line: str) -> None:
    """Log the first line that ``header="auto"`` skips as a column header.

    Node names such as "y" or "to" are also common column names, so the guess may drop
    a data line. The log message names the line and the option that reads it as data,
    in the caller's syntax (Python or command line).
    """
    cli_hint = (
        " (--header no in graphkit analyze, header: false in --dataset-options)"
        if from_command_line()
        else ""
    )
    logger.info(
        "%s:%d: skipping %r as a column header (header='auto'). Pass header=False to "
        "read it as data%s",
        path, line_number, line.strip(), cli_hint,
    )  # fmt: skip


def is_gzip(path: Path) -> bool:
    """Return whether ``path`` starts with the gzip magic bytes."""
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_text(path: Path):
    """Open ``path`` as UTF-8 text, decompressing it first when it is gzip data.

    Raises DatasetFormatError for a zip archive.

    The encoding ``utf-8-sig`` drops the byte order mark that some Windows tools put
    before the first field, which would otherwise make the first row look like a
    header.
    """
    with path.open("rb") as handle:
        start = handle.read(MAGIC_LENGTH)
    compressed = unsupported_compression(start)
    if compressed is not None:
        raise DatasetFormatError(f"{path}: {compressed}")
    if start.startswith(ZIP_MAGIC):
        # NumPy's .npz and torch.save files are zip archives, which no text
        # encoding reads.
        raise DatasetFormatError(
            f"{path}: a zip archive (such as a NumPy .npz or a torch.save file), not a "
            "text file. Edge lists and feature and label files are text with one row "
            "per line, as np.savetxt writes them. graphkit reads .npz archives only "
            "for the named Yandex datasets, from <root>/yandex_npz/<name>.npz. A PyG "
            "Data held in Python needs no file: pass it to the Trainer, or write "
            "its partitions with graphkit.distributed.files.write_partitions "
            "(docs/own-data.md)"
        )
    if start.startswith(NPY_MAGIC):
        raise DatasetFormatError(
            f"{path}: a NumPy .npy array (np.save), not a text file. Edge lists and "
            "feature and label files are text with one row per line: write it with "
            "np.savetxt, with the node id in the first column (such as "
            "np.savetxt(path, np.column_stack([ids, labels]), fmt='%d') for labels)"
        )
    if is_gzip(path):
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def damaged_gzip_error(path: Path, error: Exception) -> DatasetFormatError:
    """Return the error for gzip data that does not decompress to its end."""
    return DatasetFormatError(
        f"{path}: the gzip data is damaged or cut short ({error or type(error).__name__}). "
        "Download or compress the file again"
    )


def not_utf8_error(path: Path, error: UnicodeDecodeError) -> DatasetFormatError:
    """Return the error for a file that is not UTF-8 text, naming the file and line."""
    byte = error.object[error.start]
    line_number = _first_undecodable_line(path)
    where = f"{path}:{line_number}" if line_number is not None else str(path)
    return DatasetFormatError(
        f"{where}: not UTF-8 text (invalid byte 0x{byte:02x}). Save the file "
        "as UTF-8 text, or check that it is the right file"
    )


def _first_undecodable_line(path: Path) -> int | None:
    """Return the 1-based number of the first line that is not UTF-8, or None.

    The decoder of a text stream works on blocks of the file, so its error gives
    neither the line nor the offset in the file.
    """
    opener = gzip.open if is_gzip(path) else open
    line_number = 0
    try:
        with opener(path, "rb") as handle:
            for chunk in handle:
                # Text mode also ends a line at a lone \r, and bytes.splitlines does too.
                for line in chunk.splitlines() or [b""]:
                    line_number += 1
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError:
                        return line_number
    except (OSError, EOFError, zlib.error):
        return None
    return None


def split_fields(text: str, delimiter: str | None) -> list[str]:
    """Split a data line into stripped fields, removing CSV double quotes.

    R's ``write.csv`` and spreadsheet exports quote text fields (``"alice","bob"``),
    which pandas unquotes too. With a one-character delimiter the line is parsed by
    the ``csv`` module, so a quoted field may contain the delimiter. On whitespace
    a field in double quotes may contain spaces and loses its quotes.
    """
    if '"' not in text:
        return [field.strip() for field in text.split(delimiter)]
    if delimiter is None:
        return [_unquote(field) for field in QUOTED_OR_BARE.findall(text)]
    if len(delimiter) != 1:
        return [_unquote(field.strip()) for field in text.split(delimiter)]
    row = next(csv.reader([text], delimiter=delimiter, skipinitialspace=True))
    return [field.strip() for field in row]


# A double-quoted field (which may contain whitespace and doubled quotes), else a run of
# non-whitespace.
QUOTED_OR_BARE = re.compile(r'"(?:[^"]|"")*"(?=\s|$)|\S+')


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def detect_delimiter(line: str) -> str | None:
    """Return tab if ``line`` contains one, else comma if it contains one, else None."""
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    return None  # str.split(None) splits on any run of whitespace


def looks_like_header(
    first: list[str], second: list[str] | None, id_columns: int = 1
) -> bool:
    """Guess whether ``first`` is a header line (see :func:`read_table`).

    A usual column name in ``first`` makes it a header. Otherwise ``first`` is a header
    when a column that is numeric in ``second`` contains text in ``first``. It is data
    instead when one of the ``id_columns`` leading node id columns is numeric in both
    lines, so ``1,bob`` above ``2,3`` is an edge of node ``1``. Only id columns count,
    because a header may name value columns by numbers (``paper,0,1`` above
    ``7,0.5,0.1``, as pandas writes a feature table with a named index). An empty field
    of ``first`` is a missing value, not a column name, so it is no sign of a header.
    """
    if any(field.lower() in HEADER_WORDS for field in first):
        return True
    if second is None:
        return False
    numeric_in_both = any(
        is_number(above) and is_number(below)
        for above, below in zip(first[:id_columns], second[:id_columns])
    )
    if numeric_in_both:
        return False
    return any(
        above != "" and is_number(below) and not is_number(above)
        for above, below in zip(first, second)
    )


def is_plain_number(text: str) -> bool:
    """Return whether ``text`` is ASCII without ``_``, as a number in a data file is.

    Python's ``int`` and ``float`` also read ``1_10`` (as 110, like ``11_0``) and
    non-ASCII digits, which files use as node names.
    """
    return text.isascii() and "_" not in text


def is_number(text: str) -> bool:
    if not is_plain_number(text):
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def is_integer(text: str) -> bool:
    if not is_plain_number(text):
        return False
    try:
        int(text)
    except ValueError:
        return False
    return True


def require_width(
    rows: list[Row], path: Path, widths: tuple[int, ...], meaning: str
) -> None:
    """Raise on the first row whose number of fields is not in ``widths``."""
    for row in rows:
        if len(row.fields) not in widths:
            expected = " or ".join(str(width) for width in widths)
            raise MalformedLineError(
                path,
                row.line_number,
                row.line,
                f"expected {expected} fields ({meaning}), found {len(row.fields)}"
                + _separator_hint(row)
                + trailing_separator_hint(row)
                + inline_comment_hint(row),
            )


def inline_comment_hint(row: Row) -> str:
    """Return a hint when a field after the first starts with ``#``, as a note would."""
    if not any(field.startswith(COMMENT) for field in row.fields[1:]):
        return ""
    return (
        f". A {COMMENT!r} starts a comment only at the start of a line, because ids "
        f"may contain {COMMENT!r}. Move the note to a line of its own"
    )


def trailing_separator_hint(row: Row) -> str:
    """Return a hint when a separator at the end of the line adds an empty field.

    Some spreadsheet exports end every line with the separator (``0,a,``).
    """
    text = row.line.rstrip("\r\n ")
    if len(row.fields) < 2 or row.fields[-1] != "" or not text.endswith((",", ";", "|")):
        return ""
    return (
        f". The line ends with {text[-1]!r}, which adds an empty last field: delete "
        "the separator at the end of such lines"
    )


def reject_empty_ids(
    rows: list[Row], path: Path, id_columns: int, meaning: str
) -> None:
    """Raise on the first row whose node id field (of the first ``id_columns``) is empty.

    ``meaning`` names what each line needs ("each edge needs a source and a target
    id"). An empty id would load as a node named "", shared by every such line.
    """
    names = ("source", "target") if id_columns == 2 else ("node",)
    for row in rows:
        column = next(
            (index for index, field in enumerate(row.fields[:id_columns]) if not field),
            None,
        )
        if column is None:
            continue
        text = row.line.strip()
        hint = ""
        if "  " in text and "\t" not in text and "," not in text:
            where = (
                " (drop --delimiter, or delimiter from --dataset-options)"
                if from_command_line()
                else ""
            )
            hint = (
                ". With the delimiter ' ', two spaces in a row leave an empty field "
                f"between them. Leave the delimiter unset{where} to split at any run "
                "of whitespace"
            )
        raise MalformedLineError(
            path,
            row.line_number,
            row.line,
            f"the {names[column]} id (field {column + 1}) is empty, but {meaning}{hint}",
        )


# Separators that spreadsheet exports use (';' in locales with a decimal comma) and
# that the detection of tab, comma or whitespace does not find.
OTHER_SEPARATORS = (";", "|")


def _separator_hint(row: Row) -> str:
    """Return a hint when a one-field row looks separated by ';' or '|'."""
    if len(row.fields) != 1:
        return ""
    if len(row.fields[0].split()) > 1:
        # On whitespace the line would have split, so the file uses another separator.
        used = "tabs" if "\t" in row.fields[0] else "spaces"
        return (
            f". The line separates its fields with {used}, but the file is read with "
            "another separator (detected from the first data line unless a delimiter "
            "is given). Use the same separator on every line, or pass the one it uses"
        )
    for separator in OTHER_SEPARATORS:
        if separator in row.fields[0]:
            cli_hint = (
                f" (--delimiter '{separator}' in graphkit analyze, delimiter: "
                f"'{separator}' in --dataset-options)"
                if from_command_line()
                else ""
            )
            return (
                f". The line seems to use {separator!r} between fields, but only tab, "
                f"comma or whitespace are detected: pass delimiter={separator!r}"
                f"{cli_hint}, or save the file with tabs or commas"
            )
    return ""


def parse_floats(
    rows: list[Row], path: Path, columns: slice, meaning: str = ""
) -> np.ndarray:
    """Parse the given columns of every row as float32; name the first bad line on failure.

    ``meaning`` is a sentence of the error message that names what the columns contain.
    A value that numpy reads but :func:`is_plain_number` rejects (``1_0``, non-ASCII
    digits) is an error too.
    """
    numpy_error = None
    try:
        values = np.asarray([row.fields[columns] for row in rows], dtype=np.float32)
    except ValueError as error:
        values, numpy_error = None, error
    for row in rows:
        # Testing a line's joined fields once, rather than each field, keeps the check
        # cheap on large feature files. A line that fails is then checked field by field.
        if values is not None and is_plain_number("".join(row.fields[columns])):
            continue
        for value in row.fields[columns]:
            if not is_number(value):
                raise MalformedLineError(
                    path,
                    row.line_number,
                    row.line,
                    f"value {value!r} is not a number"
                    + (f", but {meaning}" if meaning else "")
                    + inline_comment_hint(row),
                ) from None
    if values is None:
        raise ValueError(
            f"{path}: numpy could not convert the columns to float32, although every "
            f"value reads as a number: {numpy_error}"
        ) from numpy_error
    return values
