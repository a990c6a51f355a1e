"""A graph from text files: an edge list, optional node features and optional labels.

Files (CSV, TSV or whitespace-separated; ``#`` starts a comment line; header optional):

* edge list: ``source, target`` or ``source, target, weight`` per line;
* features: ``id, f_1, ..., f_F`` per node (every node of the graph, in the order that
  becomes the node order);
* labels: ``id, label`` per node. Labels may be integers or strings. A negative number
  (``-1`` as in LINKX-style files, or ``-1.0``), an empty label, ``nan`` or, among
  numeric labels, ``NA`` marks an unlabelled node (``y = -1``, in no mask). Whole
  numbers written as floats (``2.0``, as pandas writes an integer column that has
  missing values) are integer labels.

Node ids may be integers or strings. They are mapped to ``0..N-1``: in the order of the
feature file when there is one, else in increasing order for integer ids and in order of
first appearance (edge list, then label file) for string ids. ``data.node_names`` keeps
the original id of each node (a tensor for integer ids, a list of str otherwise), and
``data.label_names`` the original label of each class index.
"""

from __future__ import annotations

import logging
import numbers
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from graphkit.option_names import from_command_line

from .edge_table import (
    EdgeTable,
    is_int64,
    read_edge_table,
    read_edges_by_line,
    reject_missing_value_ids,
)
from .errors import MalformedLineError, ShapeMismatchError, UnknownNodeIdError
from .id_spellings import warn_if_spellings_collide
from .splits import random_split_masks
from .table_options import check_delimiter, check_header, delimiter_from_name
from .text_table import (
    HEADER_WORDS,
    Row,
    detect_delimiter,
    is_integer,
    is_number,
    log_skipped_header,
    looks_like_header,
    parse_floats,
    read_table,
    reject_empty_ids,
    reject_index_header,
    require_width,
)

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)


def load_edge_list(
    path: str | Path,
    features: str | Path | None = None,
    labels: str | Path | None = None,
    delimiter: str | None = None,
    header: bool | str = "auto",
    undirected: bool = True,
    train_fraction: float = 0.6,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> Data:
    """Load a graph from an edge list and optional feature and label files.

    Args:
        path (str or Path): Edge-list file.
        features (str or Path, optional): Node feature file; without it ``x`` is None.
        labels (str or Path, optional): Node label file; without it ``y`` and the masks
            are None.
        delimiter (str, optional): Field separator of all files; None detects it per file
            (tab, else comma, else whitespace). The names ``tab`` and ``space`` stand
            for one tab or one space character.
        header (bool or "auto"): Whether each file starts with a header line; ``"auto"``
            (default) guesses per file (see :func:`~graphkit.datasets.text_table.read_table`).
            Pass True for a header of unusual column names over string ids.
        undirected (bool): Add the reverse of every edge (default True).
        train_fraction (float): Fraction of labelled nodes in the training mask (0.6).
        val_fraction (float): Fraction of labelled nodes in the validation mask (0.2);
            the remaining labelled nodes form the test mask.
        seed (int): Seed of the random split (0).

    Shapes:
        ``x [N, F]``, ``edge_index [2, E]``, ``edge_weight [E]`` (when the edge list has a
        third column), ``y [N]`` (-1 for nodes without a label), masks ``[N]``.
    """
    from torch_geometric.data import Data

    delimiter = delimiter_from_name(delimiter)
    check_delimiter(delimiter)
    check_header(header)
    if isinstance(undirected, np.bool_):
        undirected = bool(undirected)
    if not isinstance(undirected, bool):
        # A string such as "false" is truthy and would add the reverse edges anyway.
        raise ValueError(
            f"undirected must be true or false, got {undirected!r}. Write it unquoted "
            "(undirected: false) in --dataset-options or a YAML config"
        )
    _check_option_types(
        path=path,
        features=features,
        labels=labels,
        train_fraction=train_fraction,
        val_fraction=val_fraction,
        seed=seed,
    )
    seed = int(seed)  # manual_seed rejects numpy integers
    # A ~ inside a quoted --dataset-options value reaches here unexpanded by the shell.
    path = Path(path).expanduser()
    if features is not None:
        features = Path(features).expanduser()
    if labels is not None:
        labels = Path(labels).expanduser()
    table = read_edge_table(path, delimiter, header)
    if len(table.ends) == 0:
        # A graph without edges is valid, but an empty file is more often a
        # truncated or wrong one, and every node would then be isolated.
        logger.warning(
            "%s contains no edges (no data lines), so every node is isolated. Check "
            "that it is the right file and that it was written to its end",
            path,
        )
    feature_rows = label_rows = None
    if features is not None:
        feature_rows = read_table(features, delimiter, header, "feature")
    if labels is not None:
        label_rows = _read_label_rows(Path(labels), delimiter, header, table.ends)
        require_width(
            label_rows,
            Path(labels),
            (2,),
            "node id and label, where an empty label or -1 marks an unlabelled node",
        )
        reject_empty_ids(label_rows, Path(labels), 1, "each label line needs a node id")

    if table.ends.dtype != object:
        for file_path, rows in ((features, feature_rows), (labels, label_rows)):
            if rows is not None:
                reject_missing_value_ids(rows, file_path, 1, integers_elsewhere=True)
    other_rows = [*(feature_rows or []), *(label_rows or [])]
    integer_ids = table.ends.dtype != object and all(
        is_int64(row.fields[0]) for row in other_rows
    )
    if not integer_ids and table.ends.dtype != object:
        table.ends = table.ends.astype(str).astype(object)
    key = int if integer_ids else str
    if integer_ids:
        id_files = [(Path(features), feature_rows)] if feature_rows is not None else []
        if label_rows is not None:
            id_files.append((Path(labels), label_rows))
        warn_if_spellings_collide(path, delimiter, header, id_files)

    if feature_rows is not None:
        node_ids, x = _read_features(feature_rows, Path(features), key)
    else:
        node_ids, x = _ids_from_edges(table.ends, label_rows, key), None
    num_nodes = len(node_ids)

    edge_index, edge_weight = _build_edges(table, node_ids, undirected)
    if edge_index is None:
        if table.line_numbers is None:  # bulk-read: read again for the line numbers
            table = read_edges_by_line(path, delimiter, header)
        raise _missing_ids_error(table, node_ids, path, features)

    data = Data(x=x, edge_index=edge_index, num_nodes=num_nodes)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    data.node_names = torch.from_numpy(node_ids) if integer_ids else list(node_ids)
    if label_rows is not None:
        if header == "auto" and label_rows:
            _warn_if_label_header(label_rows[0], Path(labels), table.ends, key)
        _attach_labels(data, label_rows, Path(labels), node_ids, key, x)
        _warn_if_labels_miss_edges(label_rows, Path(labels), table.ends, key, path)
        generator = torch.Generator().manual_seed(seed)
        labelled = (data.y >= 0).nonzero().view(-1)
        masks = random_split_masks(
            num_nodes, train_fraction, val_fraction, generator, labelled
        )
        for name, mask in masks.items():
            data[name] = mask
    logger.info(
        "read %s: %d nodes, %d stored edges%s",
        path,
        num_nodes,
        edge_index.size(1),
        _label_coverage(data, edge_index, labels, feature_rows is None),
    )
    return data


def _label_coverage(data: Data, edge_index, labels, nodes_from_labels: bool) -> str:
    """Return the log text that counts nodes without a label line and label-only nodes.

    Both are allowed. A node without a line is unlabelled, and without a feature file
    the label line of a node in no edge adds an isolated node.
    """
    if labels is None:
        return ""
    text = ""
    without_line = int(((data.y < 0) & ~data.negative_label_mask).sum())
    if without_line:
        text += (
            f". {without_line} node(s) have no line in {labels}, so they are unlabelled"
        )
    if nodes_from_labels:
        in_edges = torch.zeros(data.num_nodes, dtype=torch.bool)
        in_edges[edge_index.reshape(-1)] = True
        label_only = int((~in_edges).sum())
        if label_only:
            text += f". {label_only} node(s) occur only in {labels}, without edges"
    return text


def _check_option_types(**options) -> None:
    """Raise ValueError for a file, fraction or seed option of the wrong type.

    An empty or blank file path is rejected too. Values from ``--dataset-options`` are
    parsed as YAML, so ``seed: 1.5`` arrives as a float and ``train_fraction: "0.6"``
    as a string, which would otherwise fail deep in the split code with a TypeError.
    It raises ValueError, which ``graphkit`` commands report as a one-line error.
    """
    where = (
        "--dataset-options"
        if from_command_line()
        else "the arguments of load_edge_list"
    )
    for name in ("features", "labels"):
        value = options[name]
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise ValueError(
                f"{name} must be the path of one file, got {value!r} "
                f"({type(value).__name__}). Fix it in {where}"
            )
    file_kinds = {"path": "edge-list", "features": "feature", "labels": "label"}
    for name, kind in file_kinds.items():
        value = options[name]
        # Path("") is the working folder, so an empty value (features: '' or an unset
        # shell variable) would be reported as a folder that the user never named.
        if isinstance(value, str) and not value.strip():
            raise ValueError(
                f"{name} is an empty path ({value!r}). Give the path of the {kind} "
                f"file in {where}"
            )
    for name in ("train_fraction", "val_fraction"):
        value = options[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise ValueError(  # noqa: TRY004
                f"{name} must be a number, got {value!r} ({type(value).__name__}). "
                f"Write it unquoted in {where}"
            )
    seed = options["seed"]
    is_integer = isinstance(seed, numbers.Integral) and not isinstance(
        seed, (bool, np.bool_)
    )
    if not is_integer or not -(2**63) <= seed < 2**64:
        raise ValueError(
            f"seed must be an integer in [-2^63, 2^64), the range of a torch seed, got "
            f"{seed!r} ({type(seed).__name__}). Fix it in {where}"
        )


def _build_edges(table: EdgeTable, node_ids, undirected: bool) -> tuple:
    """Map the table's ids to node positions and coalesce; ``(None, None)`` if ids are missing."""
    from torch_geometric.utils import coalesce, to_undirected

    pairs, found = _lookup(node_ids, table.ends)
    if not found.all():
        return None, None
    edge_index = torch.from_numpy(pairs).t().contiguous()
    edge_weight = None if table.weights is None else torch.from_numpy(table.weights)
    num_nodes = len(node_ids)
    if undirected:
        return to_undirected(edge_index, edge_weight, num_nodes, reduce="mean")
    return coalesce(edge_index, edge_weight, num_nodes, reduce="mean")


def _read_features(rows: list[Row], path: Path, key) -> tuple:
    if not rows:
        raise MalformedLineError(path, 1, "", "the feature file has no data lines")
    width = len(rows[0].fields)
    if width < 2:
        row = rows[0]
        raise MalformedLineError(
            path,
            row.line_number,
            row.line,
            "expected a node id and at least one feature",
        )
    require_width(
        rows, path, (width,), f"node id and {width - 1} features, as on the first line"
    )
    reject_empty_ids(rows, path, 1, "each feature line needs a node id")
    node_ids = []
    first_row: dict = {}
    for row in rows:
        node_id = key(row.fields[0])
        if node_id in first_row:
            earlier = first_row[node_id]
            raise MalformedLineError(
                path,
                row.line_number,
                row.line,
                f"node id {row.fields[0]!r} repeats (first given on line "
                f"{earlier.line_number}{_spelled_as(earlier.fields[0], row.fields[0])})"
            )
        first_row[node_id] = row
        node_ids.append(node_id)
    meaning = "every column after the node id is a feature. Fill in missing values"
    x = torch.from_numpy(parse_floats(rows, path, slice(1, None), meaning))
    return (np.array(node_ids, dtype=np.int64) if key is int else node_ids), x


def _spelled_as(earlier: str, later: str) -> str:
    """Return a note when ``earlier`` and ``later`` write one integer id differently."""
    return "" if earlier == later else f", written {earlier!r} there, the same integer"


def _ids_from_edges(ends: np.ndarray, label_rows: list[Row] | None, key):
    """Return the node ids: sorted for integer ids, else in order of first appearance."""
    label_ids = [key(row.fields[0]) for row in label_rows or []]
    if key is int:
        return np.unique(
            np.concatenate([ends.reshape(-1), np.array(label_ids, dtype=np.int64)])
        )
    # A dict keeps first-appearance order; labelled nodes without edges come last.
    return list(dict.fromkeys([*ends.reshape(-1).tolist(), *label_ids]))


def _lookup(node_ids, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map ids in ``ends`` to node positions; return positions and a found mask."""
    if isinstance(node_ids, np.ndarray):
        order = np.argsort(node_ids, kind="stable")
        sorted_ids = node_ids[order]
        slot = np.searchsorted(sorted_ids, ends)
        slot = np.minimum(slot, max(len(sorted_ids) - 1, 0))
        if len(sorted_ids) == 0:
            return np.zeros(ends.shape, dtype=np.int64), np.zeros(
                ends.shape, dtype=bool
            )
        return order[slot], sorted_ids[slot] == ends
    index = {node_id: position for position, node_id in enumerate(node_ids)}
    flat = [index.get(node_id, -1) for node_id in ends.reshape(-1).tolist()]
    positions = np.array(flat, dtype=np.int64).reshape(ends.shape)
    return positions, positions >= 0


def _missing_ids_error(table: EdgeTable, node_ids, path: Path, source) -> Exception:
    _, found = _lookup(node_ids, table.ends)
    missing: dict[str, int] = {}
    for row, column in zip(*np.nonzero(~found)):
        missing.setdefault(str(table.ends[row, column]), int(table.line_numbers[row]))
    shown = ", ".join(
        f"{name!r} (line {line})" for name, line in list(missing.items())[:5]
    )
    hint = _number_spelling_hint(list(missing), node_ids, f"the feature file {source}")
    return UnknownNodeIdError(
        f"{path}: {len(missing)} node id(s) in the edge list are missing from the feature "
        f"file {source}: {shown}; add a feature row for each node of the graph{hint}",
        list(missing),
    )


def _number_spelling_hint(missing: list[str], node_ids, where: str) -> str:
    """Return a hint when a missing id is a number that ``node_ids`` writes another way.

    ``np.savetxt`` writes every column as a float by default, so a feature file
    written with it names node ``4`` as ``4.000000000000000000e+00``.
    """
    ids = node_ids.tolist() if isinstance(node_ids, np.ndarray) else node_ids
    spelled: dict[float, str] = {}
    for node_id in ids:
        text = str(node_id)
        if is_number(text):
            spelled.setdefault(float(text), text)
    for name in missing:
        if is_number(name) and float(name) in spelled:
            return (
                f". Node {name!r} is written {spelled[float(name)]!r} in {where}, "
                "which is another id because ids are compared as written. Write the "
                "ids the same way in every file, such as with fmt='%d' for the id "
                "column in np.savetxt"
            )
    return ""


def _read_label_rows(
    path: Path, delimiter: str | None, header: bool | str, ends: np.ndarray
) -> list[Row]:
    """Read the rows of a label file, without its header line.

    ``header="auto"`` guesses as :func:`~graphkit.datasets.text_table.read_table`
    does, with one exception. A first line that looks like a header only because of a
    label that marks an unlabelled node stays data when its node occurs in the edge
    list: ``0,a`` above ``1,-1`` (a number below text), and ``0,NA`` or ``0,`` above
    ``1,1`` (text below a number).
    """
    if header != "auto":
        rows = read_table(path, delimiter, header, "label")
        _restore_empty_labels(rows, delimiter)
        return rows
    rows = read_table(path, delimiter, False, "label")
    _restore_empty_labels(rows, delimiter)
    second = rows[1].fields if len(rows) > 1 else None
    if not rows or not looks_like_header(rows[0].fields, second):
        return rows
    first = rows[0].fields
    if second is not None and len(first) > 1 and len(second) > 1:
        labels = (first[1], second[1])
        marked = any(_is_unlabelled(label) or label == "NA" for label in labels)
        # Compare the other columns only, but a header word in the label column
        # still makes the line a header.
        only_marker = (
            marked
            and first[1].lower() not in HEADER_WORDS
            and not looks_like_header([first[0], *first[2:]], [second[0], *second[2:]])
        )
        if only_marker and _in_edges(first[0], ends):
            return rows
    reject_index_header(path, rows[0].line_number, rows[0].line, first, second)
    log_skipped_header(path, rows[0].line_number, rows[0].line)
    return rows[1:]


def _in_edges(node: str, ends: np.ndarray) -> bool:
    """Return whether node id ``node`` (as written in a file) is an endpoint of some edge."""
    if ends.dtype != object:
        return is_int64(node) and bool((ends == int(node)).any())
    return bool((ends.astype(str) == node).any())


def _restore_empty_labels(rows: list[Row], delimiter: str | None) -> None:
    """Append the empty label field that the reader dropped from rows such as ``"7\t"``.

    In a whitespace-separated file, a space after a lone node id (``"7 "``, as
    ``print(node, label)`` writes an empty label) is such a separator too.
    """
    if delimiter is None and rows:
        delimiter = detect_delimiter(rows[0].line.strip())
    # Spaces after a tab or comma are padding, but on whitespace or with a space
    # delimiter they separate.
    padding = "\r\n" if delimiter in (None, " ") else "\r\n "
    for row in rows:
        if len(row.fields) == 1 and row.line.rstrip(padding).endswith(("\t", ",", " ")):
            row.fields.append("")


def _is_unlabelled(value: str) -> bool:
    """Return whether a label field marks an unlabelled node: empty, NaN or negative.

    NaN may carry a sign (``-nan``, as C's printf writes a negative NaN).
    """
    if value == "":
        return True
    return is_number(value) and not float(value) >= 0


def _integer_label(value: str) -> int | None:
    """Return the label as an int when it is a whole number (``3`` or ``3.0``), else None."""
    if is_integer(value):
        return int(value)
    if is_number(value) and float(value).is_integer():
        return int(float(value))
    return None


def _warn_if_label_header(row: Row, path: Path, ends: np.ndarray, key) -> None:
    """Warn when the first label line names a node that occurs in no edge.

    A header of unusual column names over string ids (``person, team``) is not
    recognised by ``header="auto"``, so it loads as an isolated node with a class
    of its own, which changes every class-based measure without an error.
    """
    node = key(row.fields[0])
    if bool((ends == node).any()):
        return
    cli_hint = (
        " (--header yes in graphkit analyze, header: true in --dataset-options)"
        if from_command_line()
        else ""
    )
    logger.warning(
        "%s:%d: node %r occurs in no edge, so it becomes an isolated node with label "
        "%r. If this line is a column header, delete it or pass header=True, which "
        "skips the first line of every file%s",
        path, row.line_number, row.fields[0], row.fields[1], cli_hint,
    )  # fmt: skip


def _warn_if_labels_miss_edges(
    rows: list[Row], path: Path, ends: np.ndarray, key, edge_path: Path
) -> None:
    """Warn when most labelled nodes occur in no edge, as when two files spell ids apart.

    The node ``4.0`` of a label file is another node than the ``4`` of an edge list,
    so every label would go to an isolated node and no edge would join two labelled
    nodes. Up to half of the labelled nodes may be isolated without a warning.
    """
    if not rows or ends.size == 0:
        return
    ids = [key(row.fields[0]) for row in rows]
    if ends.dtype != object:
        in_edges = np.isin(np.array(ids, dtype=np.int64), ends)
    else:
        edge_ids = set(ends.reshape(-1).tolist())
        in_edges = np.array([node in edge_ids for node in ids])
    missing = int((~in_edges).sum())
    if 2 * missing <= len(ids):
        return
    first = rows[int(np.argmin(in_edges))]
    try:
        float(first.fields[0])
        advice = (
            "Check that both files write each node id the same way: 4 and 4.0 are "
            "different ids"
        )
    except ValueError:
        advice = "Check that the label file names the nodes of the edge list"
    logger.warning(
        "%s: %d of %d labelled nodes occur in no edge of %s, such as %r on line %d. %s",
        path, missing, len(ids), edge_path, first.fields[0], first.line_number, advice,
    )  # fmt: skip


def _warn_if_fractional(
    rows: list[Row], values: list[str], unlabelled: list[bool], path: Path, classes: int
) -> None:
    """Warn when every label is a number but some are fractional, as regression targets are.

    Such labels are read as class names, one class per distinct value, and graphkit
    trains classifiers only, so the run would classify regression targets.
    """
    labelled = [
        (row, value) for row, value, empty in zip(rows, values, unlabelled) if not empty
    ]
    if not labelled or not all(is_number(value) for _, value in labelled):
        return
    row, value = next(
        (row, value) for row, value in labelled if not float(value).is_integer()
    )
    logger.warning(
        "%s:%d: label %r is a fractional number, so the labels are read as %d class "
        "names, one per distinct value. graphkit classifies nodes and does no "
        "regression: give one class id per node",
        path, row.line_number, value, classes,
    )  # fmt: skip


def _attach_labels(data: Data, rows: list[Row], path: Path, node_ids, key, x) -> None:
    """Set ``y`` (class index per node, -1 if unlabelled), ``label_names`` and ``num_classes``.

    Labels map to class indices in sorted order of the original labels (numeric order
    when every label is a whole number). An empty, NaN or negative label marks an
    unlabelled node. It gets ``y = -1`` and no class, and ``data.negative_label_mask``
    marks such nodes.
    """
    if x is not None and len(rows) != x.size(0):
        cli_hint = " (header: true in --dataset-options)" if from_command_line() else ""
        raise ShapeMismatchError(
            f"the feature file contains {x.size(0)} nodes (features of shape {tuple(x.shape)}) "
            f"but the label file {path} contains {len(rows)} labels (shape ({len(rows)},)); "
            "give exactly one label line per feature line"
            + (
                ". The label file has one line more, so its first line may be a column "
                "header: then delete it or pass header=True, which skips the first "
                f"line of every file{cli_hint}"
                if len(rows) == x.size(0) + 1
                else ""
            ),
            (tuple(x.shape), (len(rows),)),
        )

    values = [row.fields[1] for row in rows]
    unlabelled = [_is_unlabelled(value) for value in values]
    # R writes a missing number as NA. Among text labels NA may be a class name.
    numeric = all(
        empty or value == "NA" or is_number(value)
        for value, empty in zip(values, unlabelled)
    )
    if numeric:
        unlabelled = [
            empty or value == "NA" for value, empty in zip(values, unlabelled)
        ]
    integers = [_integer_label(value) for value in values]
    integer_labels = all(
        number is not None or empty for number, empty in zip(integers, unlabelled)
    )
    # The label of each row, as compared, sorted and stored in label_names.
    labels = integers if integer_labels else values
    names = sorted({label for label, empty in zip(labels, unlabelled) if not empty})
    if not integer_labels:
        _warn_if_fractional(rows, values, unlabelled, path, len(names))
    class_index = {name: position for position, name in enumerate(names)}
    ids = node_ids.tolist() if isinstance(node_ids, np.ndarray) else node_ids
    index = {node_id: position for position, node_id in enumerate(ids)}

    nodes, classes, negative = [], [], []
    missing: dict[str, int] = {}
    # The first row of each node and its label (None when it marks no class).
    first_label: dict[int, tuple[Row, object]] = {}
    for row, value, label, empty in zip(rows, values, labels, unlabelled):
        node = index.get(key(row.fields[0]))
        if node is None:
            missing.setdefault(row.fields[0], row.line_number)
            continue
        label = None if empty else label
        earlier, earlier_label = first_label.setdefault(node, (row, label))
        if earlier_label != label:
            raise MalformedLineError(
                path,
                row.line_number,
                row.line,
                f"node {row.fields[0]!r} has label {value!r} here but "
                f"{earlier.fields[1]!r} on line {earlier.line_number}"
                f"{_spelled_as(earlier.fields[0], row.fields[0])}. Give each node "
                "one label",
            )
        if label is None:
            negative.append(node)
            continue
        nodes.append(node)
        classes.append(class_index[label])
    if missing:
        shown = ", ".join(
            f"{name!r} (line {line})" for name, line in list(missing.items())[:5]
        )
        where = "the feature file" if x is not None else "the edge list"
        hint = _number_spelling_hint(list(missing), node_ids, where)
        raise UnknownNodeIdError(
            f"{path}: {len(missing)} labelled node id(s) are not nodes of the graph: "
            f"{shown}{hint}",
            list(missing),
        )

    y = torch.full((data.num_nodes,), -1, dtype=torch.long)
    y[torch.tensor(nodes, dtype=torch.long)] = torch.tensor(classes, dtype=torch.long)
    data.y = y
    data.negative_label_mask = torch.zeros(data.num_nodes, dtype=torch.bool)
    data.negative_label_mask[torch.tensor(negative, dtype=torch.long)] = True
    data.label_names = names
    data.num_classes = len(names)
