"""Readers for triple files (TSV/CSV with string ids) and the GraIL inductive layout.

GraIL layout (Teru et al., ICML 2020), as ULTRA evaluates it::

    ROOT/NAME/train.txt        training graph (facts)
    ROOT/NAME/valid.txt        validation queries on the training graph
    ROOT/NAME_ind/train.txt    inference graph: the only facts used at test time
    ROOT/NAME_ind/valid.txt    test queries (merged with the next file)
    ROOT/NAME_ind/test.txt     test queries

The relation vocabulary comes from ``NAME/train.txt`` and ``NAME/valid.txt``, followed
by relations that only ``NAME_ind`` names (a fully inductive split). The inference
graph numbers its entities afresh. A transductive folder ``ROOT/NAME`` with
``train/valid/test`` files and no ``NAME_ind`` sibling is read as one graph. The ILPC
2022 and InGram layouts keep the inference graph and its queries in ``ROOT/NAME``
(:mod:`graphkit.kg.layouts`, :mod:`graphkit.kg.inference_split`).

Query rows that name an entity or relation without facts in their message-passing
graph are kept, as ULTRA's loaders keep them (see :mod:`graphkit.kg.query_names`).
Two spellings of a name with one Unicode NFC form are one entity or relation, named by
the first spelling read (:mod:`graphkit.kg.names`).
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from graphkit.compressed_data import MAGIC_LENGTH, unsupported_compression
from graphkit.datasets.table_options import delimiter_from_name, delimiter_problem
from graphkit.hints import did_you_mean
from graphkit.kg.errors import KGFormatError
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.layouts import inference_layout
from graphkit.kg.names import name_key, row_key
from graphkit.kg.pretraining_graphs import ultra_dataset_name
from graphkit.kg.query_names import graph_with_query_names, warn_rows_without_facts
from graphkit.kg.query_overlap import warn_query_overlap
from graphkit.link_loops import is_link_loop
from graphkit.option_names import from_command_line, option

logger = logging.getLogger(__name__)

# Separators and padding are ASCII whitespace only. Python's str.split() and strip()
# would also treat a no-break space (U+00A0) or U+2028 inside an entity label as one.
ASCII_WHITESPACE = " \t\n\r\f\v"
ASCII_WHITESPACE_RUN = re.compile(r"[ \t\f\v]+")


# Column names that header rows of triple files commonly use. A first row whose head
# and tail fields are among them is most likely a header that was not skipped.
# Edge lists skip lines that start with COMMENT, but triple files have no comments.
COMMENT = "#"
COMMENT_FIX = (
    "Triple files have no comment lines, so a '#' does not comment a line out. "
    "Delete such lines"
)
HEAD_COLUMN_NAMES = {"head", "h", "subject", "sub", "s", "source", "src", "from"}
TAIL_COLUMN_NAMES = {"tail", "t", "object", "obj", "o", "target", "dst", "to"}


@dataclass
class NamedTriples:
    """String triples read from a file, with the 1-based line of each row.

    ``ascii_only`` is True when every name is ASCII text, so that no name needs Unicode
    normalization (:mod:`graphkit.kg.names`). False, the default, makes the readers
    normalize every name, which is correct for any text.
    """

    rows: list[tuple[str, str, str]]
    lines: list[int]
    source: str
    ascii_only: bool = False


@dataclass
class LinkPredictionSet:
    """Queries to rank on one message-passing graph.

    Args:
        graph (KnowledgeGraph): the facts used for message passing.
        queries (LongTensor): ``(head, relation, tail)`` ids to rank, shape ``(Q, 3)``.
        filter_triples (LongTensor): every known true triple, shape ``(F, 3)``; the
            filtered ranking ignores these candidates (other than the query's own answer).
        name (str): a label for logs and reports.
        pretraining_name (str, optional): ULTRA's name of the dataset folder that
            :func:`load_dataset` read (``"NELLInductive:v1"``), which
            :func:`~graphkit.kg.evaluate` looks up among the pre-training graphs of
            released checkpoints. None for other sets.
    """

    graph: KnowledgeGraph
    queries: Tensor
    filter_triples: Tensor
    name: str = ""
    pretraining_name: str | None = None

    def __repr__(self) -> str:
        # Counts in place of the tensors, which the dataclass repr would print.
        return (
            f"LinkPredictionSet(name={self.name!r}, graph={self.graph!r}, "
            f"num_queries={self.queries.size(0)}, "
            f"num_filter_triples={self.filter_triples.size(0)})"
        )


@dataclass
class InductiveSplit:
    """The query sets of one dataset folder.

    ``train`` contains the training graph, whose facts fine-tuning uses, and ``test``
    the test queries on the graph they are ranked on (the inference graph of an
    inductive split). ``valid`` contains the validation queries. A GraIL split or a
    transductive folder ranks them on the training graph, so ``valid`` is ``train``
    itself, the default. An ILPC 2022 or InGram folder ranks them on the inference
    graph, and its ``train`` has no queries.
    """

    train: LinkPredictionSet
    test: LinkPredictionSet
    name: str
    valid: LinkPredictionSet | None = None

    def __post_init__(self) -> None:
        if self.valid is None:
            self.valid = self.train

    def __repr__(self) -> str:
        # valid only when it is a set of its own, because it is train otherwise.
        valid = "" if self.valid is self.train else f", valid={self.valid!r}"
        return (
            f"InductiveSplit(train={self.train!r}, test={self.test!r}, "
            f"name={self.name!r}{valid})"
        )


def read_triples(
    path: str | Path,
    delimiter: str | None = None,
    header: bool = False,
    allow_empty: bool = False,
) -> NamedTriples:
    """Read ``head, relation, tail`` rows from a TSV or CSV file.

    Args:
        path: the file, decompressed first when it is gzip data. A leading ``~``
            is expanded to the home folder. A pipe (``/dev/fd/N``) is read too.
            Blank lines are skipped, and so is whitespace at the end of a row (a
            trailing tab too).
        delimiter (str, optional): column separator, or the name ``tab`` or
            ``space``. A space splits at runs of spaces and tabs. ``None`` picks ``,``
            for ``.csv`` (and ``.csv.gz``) files, otherwise a tab when the first row
            has one, else runs of spaces and tabs.
        header (bool): skip the first non-blank row. ``None`` means ``False``.
            (default: ``False``)
        allow_empty (bool): return no rows for a file without triples instead of
            raising, as for an empty validation or test split. (default: ``False``)

    Raises:
        KGFormatError: the file is missing, or empty while ``allow_empty`` is
            ``False``, or a row does not have 3 columns, or a CSV quote does not
            close on its own line.
    """
    return _read_triples(path, delimiter, header, allow_empty)


# The fix that the header warning names for a file of a dataset folder, which
# load_dataset and the --dataset option read without a header option.
DATASET_HEADER_FIX = (
    "Remove that row from the file, because the files of a dataset folder are read "
    "without a header option"
)
# The fix that the column-count error names for a comma-separated dataset file,
# whose name (train.txt) and delimiter the loaders choose.
DATASET_COMMA_FIX = (
    "Replace the commas with tabs, because the files of a dataset folder are read "
    "without a delimiter option"
)


# Delimiter rule of _read_triples when delimiter is None, as the invalid-delimiter
# error names it.
DETECTION = "comma for .csv, else tab when the first row has one, else whitespace"


def _read_triples(
    path: str | Path,
    delimiter: str | None = None,
    header: bool = False,
    allow_empty: bool = False,
    header_fix: str | None = None,
    comma_fix: str | None = None,
) -> NamedTriples:
    """Read triples as :func:`read_triples` does. ``header_fix`` replaces the fix that
    the warning about a likely header row names (by default, the header option), and
    ``comma_fix`` the fix for comma-separated rows (by default, a .csv name)."""
    if header is None:
        # None means no header row, as in pandas and as before the check.
        header = False
    if header not in (True, False):
        # A string such as "no" is truthy and would drop the first fact.
        raise TypeError(
            f"header must be True or False, got {header!r} ({type(header).__name__})"
        )
    path = Path(path).expanduser()
    delimiter = delimiter_from_name(delimiter)
    problem = delimiter_problem(delimiter, DETECTION)
    if problem is not None:
        raise KGFormatError(path, None, problem)
    text = _read_text(path)
    # triples.csv.gz is a CSV file too.
    suffix = Path(path.stem).suffix if path.suffix.lower() == ".gz" else path.suffix
    if delimiter is None and suffix.lower() == ".csv":
        delimiter = ","
    numbered = _numbered_lines(text)
    if header and numbered:
        numbered = numbered[1:]
    if not numbered and allow_empty:
        return NamedTriples([], [], str(path), ascii_only=True)
    if not numbered:
        raise KGFormatError(
            path,
            None,
            "file contains no triples; expected one head, relation, tail row per line",
        )
    if delimiter is None:
        delimiter = "\t" if "\t" in numbered[0][1] else " "
        if comma_fix is None:
            comma_fix = "Rename the file to .csv"
            if not from_command_line():
                comma_fix += " or pass delimiter=','"
    rows, lines = _parse_rows(path, numbered, delimiter, comma_fix)
    if not header:
        _warn_if_header(path, rows[0], lines[0], header_fix)
    _warn_if_comment_rows(path, rows, lines)
    # CPython stores an ASCII flag in each str, so isascii() costs no scan of the text.
    return NamedTriples(rows, lines, str(path), ascii_only=text.isascii())


def _read_text(path: Path) -> str:
    """Read a triple file as text, decompressing gzip data, or raise KGFormatError."""
    if path.is_dir():
        raise KGFormatError(path, None, _folder_fix(path))
    if is_link_loop(path):
        raise KGFormatError(
            path,
            None,
            "symbolic link loop (too many levels of symbolic links). Point the link "
            "at a TSV/CSV file of head, relation, tail rows",
        )
    # The check is exists(), not is_file(), so that a pipe such as bash's <(zcat x.gz)
    # is read.
    if not path.exists():
        raise KGFormatError(
            path,
            None,
            "file not found; pass a TSV/CSV file of head, relation, tail rows",
        )
    data = path.read_bytes()
    compressed = unsupported_compression(data[:MAGIC_LENGTH])
    if compressed is not None:
        raise KGFormatError(path, None, compressed)
    data = _decompress(path, data)
    # utf-8-sig drops a leading byte order mark, which would otherwise become part of
    # the first head's name.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # error.object is the input without its byte order mark, and error.start
        # counts from there.
        undecoded = error.object
        line = undecoded[: error.start].count(b"\n") + 1
        raise KGFormatError(
            path,
            line,
            f"not UTF-8 text (invalid byte 0x{undecoded[error.start]:02x}). Save the "
            "file as UTF-8 text",
        ) from error


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    """Return the 1-based number and text of each non-blank line, right-stripped."""
    # Only \n, \r\n and \r end a line. str.splitlines would also split at form feeds,
    # NEL and U+2028 inside names, which breaks rows and shifts every line number.
    text_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [
        (i + 1, line.rstrip(ASCII_WHITESPACE))
        for i, line in enumerate(text_lines)
        if line.strip(ASCII_WHITESPACE)
    ]


def _parse_rows(
    path: Path,
    numbered: list[tuple[int, str]],
    delimiter: str,
    comma_fix: str | None = None,
) -> tuple[list[tuple[str, str, str]], list[int]]:
    """Split numbered lines into (head, relation, tail) rows and their line numbers.

    ``","`` parses CSV quoting, ``" "`` splits at runs of ASCII whitespace, and
    any other delimiter splits at each occurrence. A row without exactly 3 non-empty
    columns raises KGFormatError. When the delimiter was chosen from the file name
    and the first row, ``comma_fix`` is set and the error also suggests a separator
    that splits the row into 3 columns.
    """
    if delimiter == ",":
        fields = _csv_rows(path, numbered)
    elif delimiter == " ":
        fields = (
            ASCII_WHITESPACE_RUN.split(line.strip(ASCII_WHITESPACE))
            for _, line in numbered
        )
    else:
        fields = (line.split(delimiter) for _, line in numbered)
    rows, lines = [], []
    for (number, text), columns in zip(numbered, fields):
        columns = [column.strip(ASCII_WHITESPACE) for column in columns]
        if len(columns) != 3 or not all(columns):
            hint = _first_line_hint(number, columns)
            if text.lstrip(ASCII_WHITESPACE).startswith(COMMENT):
                hint = f". {COMMENT_FIX}"
            if comma_fix is not None and not hint:
                hint = _separator_hint(text, delimiter, comma_fix)
            raise KGFormatError(
                path,
                number,
                f"expected 3 non-empty columns (head, "
                f"relation, tail) separated by {delimiter!r}, found "
                f"{len(columns)}: {columns!r}{hint}",
            )
        rows.append((columns[0], columns[1], columns[2]))
        lines.append(number)
    return rows, lines


def _first_line_hint(number: int, columns: list[str]) -> str:
    """Return a hint for a first line that is a lone count or a pandas index header.

    Any other line gets an empty string.

    OpenKE's ``train2id.txt`` files start with the number of triples, and their rows
    are ``head tail relation`` ids, so dropping the count line alone loads the relation
    ids as tails. pandas' ``DataFrame.to_csv`` writes the row index as a first column
    whose header is empty.
    """
    if number == 1 and len(columns) == 4 and columns[0] == "" and all(columns[1:]):
        return (
            ". A first line with an empty first column is the header of a pandas "
            "DataFrame written with its index. Write the file with index=False and "
            "header=False in DataFrame.to_csv"
        )
    if number != 1 or len(columns) != 1 or not columns[0].isdigit():
        return ""
    return (
        ". A first line with one number is the triple count of an OpenKE file such "
        "as train2id.txt, whose columns are head, tail, relation. Convert it to "
        "head, relation, tail rows without the count line"
    )


def _separator_hint(text: str, delimiter: str, comma_fix: str) -> str:
    """Return a hint for a row that another separator would split into 3 columns.

    Only a ``.csv`` name selects commas, and only a tab in the first row selects
    tabs, so a comma-separated ``.txt`` file or a tab-separated row below a
    space-separated first row fails with the detected delimiter.
    """
    comma_fields = [field.strip(ASCII_WHITESPACE) for field in text.split(",")]
    if delimiter != "," and len(comma_fields) == 3 and all(comma_fields):
        return (
            ". The row has 3 comma-separated columns, but only a file named .csv is "
            f"read as comma-separated. {comma_fix}"
        )
    if delimiter == " " and "\t" in text:
        return (
            ". The row contains tabs, but the first row has none, so the file is read "
            "as separated by spaces. Separate the columns of every row with tabs"
        )
    if delimiter == "\t" and "\t" not in text and len(text.split()) == 3:
        return (
            ". The row is separated by spaces, but the first row contains a tab, so "
            "every row is split at tabs. Separate the columns of every row with tabs"
        )
    if delimiter == " " and len(text.split()) > 3:
        return (
            ". A name that contains spaces needs tab-separated rows (or a .csv file), "
            "because the first row has no tab and spaces separate the columns"
        )
    return ""


def _csv_rows(path: Path, numbered: list[tuple[int, str]]) -> Iterator[list[str]]:
    """Yield the CSV columns of each numbered line.

    A quoted field must close on its own line, because names cannot contain line
    breaks and a row that spanned lines would shift the line numbers of every later row.
    """
    # csv.reader ends a field left open on the last line at the end of input. The empty
    # line appended here makes the line count show that case too.
    reader = csv.reader([*(line for _, line in numbered), ""])
    for index, (number, _) in enumerate(numbered):
        try:
            columns = next(reader)
        except csv.Error as error:
            raise KGFormatError(path, number, f"invalid CSV row ({error})") from None
        if reader.line_num != index + 1:
            raise KGFormatError(
                path,
                number,
                "a quoted field opens on this line and does not close on it. Add the "
                "closing quote, because names cannot contain line breaks",
            )
        yield columns


def _folder_fix(folder: Path) -> str:
    """Return the error text for a folder passed as a triple file.

    The command line has no load_dataset, so only the Python message names it.
    """
    message = (
        "is a folder, not a file; pass a TSV/CSV file of head, relation, tail rows"
    )
    if not (folder / "train.txt").is_file():
        return message
    message += f", such as {folder / 'train.txt'}, the folder's training facts"
    if from_command_line():
        return message
    return (
        f"{message}, or load the folder with "
        f"load_dataset({str(folder.parent)!r}, {folder.name!r})"
    )


def _decompress(path: Path, data: bytes) -> bytes:
    """Return ``data`` decompressed when it starts with the gzip magic bytes ``1f 8b``."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise KGFormatError(
            path,
            None,
            f"the gzip data is damaged or cut short ({error}). Download or compress "
            "the file again",
        ) from error


def _read_dataset_file(path: Path, allow_empty: bool = False) -> NamedTriples:
    """Read a file of a dataset folder, whose loaders take no header option."""
    return _read_triples(
        path,
        allow_empty=allow_empty,
        header_fix=DATASET_HEADER_FIX,
        comma_fix=DATASET_COMMA_FIX,
    )


def drop_repeated_facts(named: NamedTriples) -> NamedTriples:
    """Keep the first row of each fact that ``named`` lists more than once.

    A knowledge graph is a set of facts, but ULTRA sums the messages of parallel
    edges, so a repeated row would weigh its fact twice and change every score. Rows
    whose names have the same NFC form are one fact (:mod:`graphkit.kg.names`).
    """
    first_line: dict[tuple[str, str, str], int] = {}
    rows, lines = [], []
    repeats = []
    keys = named.rows if named.ascii_only else map(row_key, named.rows)
    for row, key, line in zip(named.rows, keys, named.lines):
        earlier = first_line.setdefault(key, line)
        if earlier != line:
            repeats.append((line, earlier))
            continue
        rows.append(row)
        lines.append(line)
    if repeats:
        line, earlier = repeats[0]
        dropped = (
            "1 repeated row is"
            if len(repeats) == 1
            else f"{len(repeats)} repeated rows are"
        )
        logger.warning(
            "%s:%d: the fact on this line repeats line %d. %s dropped, so that each "
            "fact counts once in message passing",
            named.source,
            line,
            earlier,
            dropped,
        )
    return NamedTriples(rows, lines, named.source, named.ascii_only)


def _warn_if_comment_rows(
    path: Path, rows: list[tuple[str, str, str]], lines: list[int]
) -> None:
    """Warn when rows start with ``#``, which edge lists mark comments with.

    Triple files have no comment syntax, because an entity name may start with
    ``#``, so a commented-out row of 3 columns loads as a fact.
    """
    commented = [
        position for position, row in enumerate(rows) if row[0].startswith(COMMENT)
    ]
    if not commented:
        return
    first = commented[0]
    logger.warning(
        "%s:%d: %d row(s) start with %r, such as %r, and load as facts. %s, "
        "unless %r is an entity name",
        path, lines[first], len(commented), COMMENT, rows[first], COMMENT_FIX,
        rows[first][0],
    )  # fmt: skip


def _warn_if_header(
    path: Path, row: tuple[str, str, str], line: int, fix: str | None = None
) -> None:
    """Warn when the first row looks like a column header that loads as a fact."""
    head, _, tail = (field.lower() for field in row)
    if head in HEAD_COLUMN_NAMES and tail in TAIL_COLUMN_NAMES:
        if fix is None:
            option_text = "--header" if from_command_line() else "header=True"
            fix = f"Pass {option_text} to skip it"
        logger.warning(
            "%s:%d: the first row %r looks like a column header, and it loads as a "
            "fact. %s",
            path,
            line,
            row,
            fix,
        )


def load_graph(
    path: str | Path, delimiter: str | None = None, header: bool = False
) -> KnowledgeGraph:
    """Read a triple file into a :class:`KnowledgeGraph` (ids in order of appearance).

    A fact listed on several rows is kept once (see :func:`drop_repeated_facts`).
    """
    facts = drop_repeated_facts(read_triples(path, delimiter, header))
    return KnowledgeGraph.from_named_triples(facts.rows)


def encode_file(
    graph: KnowledgeGraph,
    path: str | Path,
    delimiter: str | None = None,
    header: bool = False,
) -> Tensor:
    """Read queries from a file and map them to ids of ``graph`` (errors name the line)."""
    named = read_triples(path, delimiter, header)
    return graph.encode(named.rows, named.source, named.lines)


def _add_relations(relations: dict[str, str], named: NamedTriples) -> None:
    """Add the relations of ``named`` that ``relations`` lacks, in order of appearance.

    ``relations`` maps the NFC form of each relation to its first spelling.
    """
    ascii_only = named.ascii_only
    for _, relation, _ in named.rows:
        key = relation if ascii_only else name_key(relation)
        relations.setdefault(key, relation)


def _append_inference_relations(
    relations: dict[str, str], inference: NamedTriples, training_files: str
) -> None:
    """Append the relations of ``inference`` that ``relations`` lacks, in order of
    first appearance, and log one warning that names their count and the first one.
    ``relations`` maps the NFC form of each relation to its first spelling.

    Such relations make the split fully inductive, because the test queries may then
    ask about relations that the training graph does not contain.
    """
    new_lines: dict[str, tuple[str, int]] = {}
    ascii_only = inference.ascii_only
    for (_, relation, _), line in zip(inference.rows, inference.lines):
        key = relation if ascii_only else name_key(relation)
        if key not in relations and key not in new_lines:
            new_lines[key] = (relation, line)
    if not new_lines:
        return
    first, line = next(iter(new_lines.values()))
    logger.warning(
        "%s: the inference graph has %d relation%s that no row of %s names (first: "
        "line %d, relation %r), so this is a fully inductive split. They get the "
        "relation ids after the training graph's relations. ULTRA derives relation "
        "representations from the graph it ranks on, so it ranks their queries "
        "zero-shot. If the two graphs should share their relations, check these "
        "names for typos",
        inference.source,
        len(new_lines),
        "" if len(new_lines) == 1 else "s",
        training_files,
        line,
        first,
    )
    relations.update((key, spelling) for key, (spelling, _) in new_lines.items())


def load_grail(root: str | Path, name: str) -> InductiveSplit:
    """Load GraIL split ``name`` (e.g. ``fb237_v1``) from ``root`` (see module docstring).

    Test queries are ``NAME_ind/valid.txt`` followed by ``NAME_ind/test.txt``, ranked on
    the inference graph with filter = inference graph + test queries, as in ULTRA.

    Entities are numbered as in ULTRA's GraIL loader: those of ``NAME/train.txt`` then
    ``NAME/valid.txt`` in the training graph, and those of ``NAME_ind/train.txt``,
    ``valid.txt`` then ``test.txt`` in the inference graph. Both graphs share one
    relation list: the relations of ``NAME/train.txt`` and ``NAME/valid.txt``, then
    those that only ``NAME_ind/train.txt`` names, then those that only
    ``NAME_ind/valid.txt`` or ``test.txt`` name, each in order of first appearance.
    ULTRA's GraIL loader stops at a relation of the last two kinds with an assertion.

    A relation that only the inference graph names makes the split fully inductive,
    and the load logs one warning with their count. ULTRA's loader of fully inductive
    splits (``InductiveDataset`` in ``ultra/datasets.py``) numbers the inference
    graph's relations on their own. The ranks here are the same, because ULTRA's
    scores do not change, up to round-off, when relations without facts are added or
    relation ids are permuted. So the test ranks equal those of ``NAME_ind`` loaded as
    a transductive folder with its valid.txt and test.txt as the queries, except where
    round-off orders near ties differently. Query rows with a name without facts are
    kept with a warning (:mod:`graphkit.kg.query_names`).

    Raises:
        KGFormatError: a file is missing or malformed.
    """
    root = Path(root).expanduser()
    folder, ind_folder = root / name, root / f"{name}_ind"
    train = drop_repeated_facts(_read_dataset_file(folder / "train.txt"))
    valid = _read_dataset_file(folder / "valid.txt", allow_empty=True)
    relations: dict[str, str] = {}
    for part in (train, valid):
        _add_relations(relations, part)
    inference = drop_repeated_facts(_read_dataset_file(ind_folder / "train.txt"))
    _append_inference_relations(
        relations, inference, f"{folder / 'train.txt'} or {folder / 'valid.txt'}"
    )
    test_parts = [
        _read_dataset_file(ind_folder / f"{part}.txt", allow_empty=True)
        for part in ("valid", "test")
    ]
    for part in test_parts:
        _add_relations(relations, part)
    relation_names = list(relations.values())

    train_graph = graph_with_query_names(train, [valid], relation_names)
    warn_rows_without_facts(valid, train_graph, train.source)
    valid_queries = train_graph.encode(valid.rows, valid.source, valid.lines)
    warn_query_overlap(valid, valid_queries, train_graph, train.source)

    inference_graph = graph_with_query_names(inference, test_parts, relation_names)
    encoded_parts = []
    for part in test_parts:
        warn_rows_without_facts(part, inference_graph, inference.source)
        encoded = inference_graph.encode(part.rows, part.source, part.lines)
        warn_query_overlap(part, encoded, inference_graph, inference.source)
        encoded_parts.append(encoded)
    test_queries = torch.cat(encoded_parts)
    return InductiveSplit(
        train=LinkPredictionSet(
            train_graph,
            valid_queries,
            torch.cat([train_graph.triples, valid_queries]),
            f"{name}/valid",
        ),
        test=LinkPredictionSet(
            inference_graph,
            test_queries,
            torch.cat([inference_graph.triples, test_queries]),
            f"{name}/test",
        ),
        name=name,
    )


TRANSDUCTIVE_PARTS = ("train", "valid", "test")


def load_transductive(root: str | Path, name: str) -> InductiveSplit:
    """Load ``root/name/{train,valid,test}.txt`` as one graph (e.g. CoDEx-Small).

    The model passes messages over the training facts; the filter holds all three
    files, the standard transductive protocol. Entities and relations are numbered by
    first appearance in ``train.txt``, ``valid.txt`` then ``test.txt``, as in ULTRA's
    loader. Those that occur only in ``valid.txt`` or ``test.txt`` have no facts, and
    their rows are kept with a warning (:mod:`graphkit.kg.query_names`).
    """
    folder = Path(root).expanduser() / name
    missing = [
        f"{part}.txt"
        for part in TRANSDUCTIVE_PARTS
        if not (folder / f"{part}.txt").is_file()
    ]
    if missing:
        present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        # Such as train.txt.gz or train.tsv, which the loader does not look for.
        other_names = [
            entry for entry in present if entry.split(".")[0] in TRANSDUCTIVE_PARTS
        ]
        rename = (
            f". Only these exact names are read, so rename {other_names} to them "
            "(gzip-compressed content is read under a .txt name too)"
            if other_names
            else ""
        )
        raise KGFormatError(
            folder,
            None,
            f"transductive dataset folder is missing {missing} (it contains "
            f"{present or 'nothing'}). Add train.txt, valid.txt and test.txt with "
            f"one head, relation, tail row per line{rename}",
        )
    # Only train.txt must hold facts. An empty valid.txt or test.txt is an empty
    # query set, which evaluate rejects by name only when that set is evaluated.
    parts = {
        part: _read_dataset_file(folder / f"{part}.txt", allow_empty=part != "train")
        for part in TRANSDUCTIVE_PARTS
    }
    parts["train"] = drop_repeated_facts(parts["train"])
    graph = graph_with_query_names(parts["train"], [parts["valid"], parts["test"]])
    for part in ("valid", "test"):
        warn_rows_without_facts(parts[part], graph, parts["train"].source)
    encoded = {
        p: graph.encode(parts[p].rows, parts[p].source, parts[p].lines)
        for p in ("valid", "test")
    }
    for part in ("valid", "test"):
        warn_query_overlap(parts[part], encoded[part], graph, parts["train"].source)
    known_triples = torch.cat([graph.triples, encoded["valid"], encoded["test"]])
    return InductiveSplit(
        train=LinkPredictionSet(
            graph, encoded["valid"], known_triples, f"{name}/valid"
        ),
        test=LinkPredictionSet(graph, encoded["test"], known_triples, f"{name}/test"),
        name=name,
    )


def _folder_ignoring_case(root: Path, name: str) -> str:
    """Return the folder under ``root`` that equals ``name`` ignoring case, else ``name``.

    Dataset names ignore case elsewhere in graphkit, while GraIL folders mix cases
    (``WN18RR_v1``, ``fb237_v1``). Two folders that differ only in case keep ``name``.
    """
    if (root / name).is_dir() or not root.is_dir():
        return name
    matches = [
        path.name
        for path in root.iterdir()
        if path.is_dir() and path.name.lower() == name.lower()
    ]
    if len(matches) != 1:
        return name
    logger.info("dataset %r is the folder %s", name, root / matches[0])
    return matches[0]


def load_dataset(root: str | Path, name: str) -> InductiveSplit:
    """Load ``name`` from ``root``, detecting the layout of the folder.

    A ``name_ind`` sibling makes a GraIL split (:func:`load_grail`). Otherwise a folder
    with ``inference.txt``, ``inference_validation.txt`` or ``inference_test.txt``
    loads in the ILPC 2022 layout, and one with ``msg.txt`` in the InGram layout
    (:mod:`graphkit.kg.inference_split`). Any other folder loads as transductive
    ``train/valid/test`` (:func:`load_transductive`).
    """
    root = Path(root).expanduser()
    # graphkit.datasets.load_dataset takes (name, root), so the swapped order is an
    # easy slip. Then name is the data folder and root a dataset folder inside it.
    if not root.is_dir() and Path(name).is_dir() and (Path(name) / root).is_dir():
        raise ValueError(
            f"load_dataset takes (root, name), but got root={str(root)!r} and "
            f"name={str(name)!r}, which look swapped. Call "
            f"load_dataset({str(name)!r}, {str(root)!r})"
        )
    # Path drops a trailing slash, which shell completion adds to folder names.
    # With the slash, f"{name}_ind" would name a path inside the folder, so a GraIL
    # split would silently load as a transductive one.
    name = str(Path(name))
    name = _folder_ignoring_case(root, name)
    if not (root / name).is_dir():
        # Folders that --dataset may name, without the NAME_ind halves of splits.
        folders = (
            {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else ()
        )
        available = sorted(
            name
            for name in folders
            if not (name.endswith("_ind") and name[: -len("_ind")] in folders)
        )
        hint = did_you_mean(name, available)
        # A common slip: the dataset folder itself passed as the root.
        if not hint and (root / "train.txt").is_file():
            hint = (
                f" ({root} contains train.txt, so it is a dataset folder itself: "
                f"pass {root.parent} as {option('root')})"
            )
        # A data folder laid out like the shared one keeps knowledge graphs in kg/,
        # next to graphs/. Name the folder that contains the dataset, if one does.
        for candidate in (root / "kg", root.parent / "kg"):
            if candidate != root and (candidate / name).is_dir():
                hint += (
                    f" ({candidate} contains it, so pass that folder as "
                    f"{option('root')})"
                )
                break
        if not root.is_dir():
            state = "is a file, not a folder" if root.exists() else "does not exist"
            raise FileNotFoundError(
                f"dataset root {root} {state}{hint}; pass as {option('root')} the "
                "folder that contains the dataset folders (such as kg/ with fb237_v1/)"
            )
        raise FileNotFoundError(
            f"dataset folder {root / name} not found{hint}; folders under "
            f"{root}: {available or 'none'}"
        )
    split = _load_split(root, name)
    pretraining_name = ultra_dataset_name(root, name)
    for queries in (split.train, split.valid, split.test):
        queries.pretraining_name = pretraining_name
    return split


def _load_split(root: Path, name: str) -> InductiveSplit:
    """Load the folder ``root/name``, which exists, by its layout."""
    if (root / f"{name}_ind").is_dir():
        return load_grail(root, name)
    layout = inference_layout(root / name)
    if layout is not None:
        # inference_split imports this module, so it is imported here.
        from graphkit.kg.inference_split import load_inference_split

        return load_inference_split(root, name, layout)
    base = name[: -len("_ind")]
    if name.endswith("_ind") and (root / base).is_dir():
        logger.warning(
            "%s is the inference half of the GraIL split %s, so it loads as a "
            "transductive dataset: its test.txt is ranked on its own train.txt, "
            "without its valid.txt queries. Pass %s to rank both files on the "
            "inference graph as ULTRA does",
            root / name,
            base,
            base,
        )
    return load_transductive(root, name)
