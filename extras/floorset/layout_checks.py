"""Checks on the parts of a loaded FloorSet layout, before the scoring reads them.

The scoring indexes arrays by block and pin ids and compares coordinates, so a
malformed file would otherwise fail later as a bare IndexError, or pass with wrong
numbers. For example, a transposed ``pins_pos`` tensor reshaped to (n_pins, 2) gives
every pin a wrong position, and a fractional group id is truncated into another group.
"""

from __future__ import annotations

import numpy as np
import torch

REPLACE_HINT = "Replace the file with a fresh copy of the FloorSet data"
DATA_PARTS = "T0, b2b, p2b, pins_pos"
LABEL_PARTS = "metrics, polygons"
METRIC_COUNT = 8
MAX_BOUNDARY_CODE = 15


def layout_parts(name: str, loaded: object, kind: str, names: str) -> list:
    """Return the parts of ``loaded[0]``, the ``[[...]]`` list of a data or label file.

    Raises:
        ValueError: ``loaded`` is not a one-element list containing the parts ``names``.
    """
    count = len(names.split(", "))
    try:
        parts = list(loaded[0])
    except (TypeError, IndexError, KeyError):
        parts = None
    if parts is None or len(parts) != count:
        found = "no list" if parts is None else f"{len(parts)} parts"
        raise ValueError(
            f"{name}: the {kind} file must contain [[{names}]], found {found} in its "
            f"first entry. {REPLACE_HINT}"
        )
    return parts


def drop_padding(rows: torch.Tensor) -> np.ndarray:
    """Return ``rows`` as float64 without padding: rows of all -1, or -1 entries if 1-D."""
    array = rows.detach().to(torch.float64).numpy()
    if array.ndim == 1:
        return array[array != -1]
    return array[~np.all(array == -1, axis=tuple(range(1, array.ndim)))]


def tensor(name: str, part: str, value: object) -> torch.Tensor:
    """Return ``value`` if it is a tensor, else raise ValueError naming ``part``."""
    if not isinstance(value, torch.Tensor):
        # A file with the wrong content is invalid input, which the extras command
        # reports from a ValueError.
        raise ValueError(  # noqa: TRY004
            f"{name}: {part} is a {type(value).__name__}, expected a tensor. "
            f"{REPLACE_HINT}"
        )
    return value


def table(name: str, part: str, value: object, columns: int) -> np.ndarray:
    """Return the tensor ``value`` without padding rows as an (r, ``columns``) array.

    An empty tensor of any shape is a table without rows.

    Raises:
        ValueError: ``value`` is not a tensor, or its rows do not have ``columns``
            entries. Reshaping them instead would silently regroup the numbers.
    """
    rows = drop_padding(tensor(name, part, value))
    if rows.size == 0:
        return rows.reshape(0, columns)
    if rows.ndim != 2 or rows.shape[1] != columns:
        raise ValueError(
            f"{name}: {part} has shape {tuple(value.shape)}, expected (rows, "
            f"{columns}). {REPLACE_HINT}"
        )
    return rows


def check_metrics(name: str, metrics: np.ndarray) -> None:
    """Raise ValueError unless the label contains the 8 reference metrics."""
    if metrics.shape != (METRIC_COUNT,):
        raise ValueError(
            f"{name}: metrics has shape {metrics.shape}, expected ({METRIC_COUNT},): "
            "area, pins, nets, b2b nets, p2b nets, hard constraints, b2b and p2b wire "
            f"length. {REPLACE_HINT}"
        )


def check_polygon(name: str, block: int, polygon: np.ndarray) -> None:
    """Raise ValueError unless the reference polygon of ``block`` is (k, 2) vertices."""
    if polygon.ndim != 2 or polygon.shape[1] != 2:
        raise ValueError(
            f"{name}: the reference polygon of block {block} has shape "
            f"{polygon.shape}, expected (vertices, 2). {REPLACE_HINT}"
        )


def check_constraints(name: str, t0: np.ndarray) -> None:
    """Raise ValueError for a T0 column value that the constraint decoding would misread.

    Targets must not be negative. Group ids and boundary codes are cast to integers,
    so a fractional one would join another group or change the code. A boundary code
    is a bit mask over the four sides, so it lies in 0..15.
    """
    whole = t0 == np.round(t0)
    group_rule = "a whole number >= 0"
    rules = (
        (0, "area target", t0[:, 0] >= 0, ">= 0"),
        (3, "MIB group", whole[:, 3] & (t0[:, 3] >= 0), group_rule),
        (4, "cluster group", whole[:, 4] & (t0[:, 4] >= 0), group_rule),
        (
            5,
            "boundary code",
            whole[:, 5] & (t0[:, 5] >= 0) & (t0[:, 5] <= MAX_BOUNDARY_CODE),
            f"a whole number in 0..{MAX_BOUNDARY_CODE}",
        ),
    )
    for column, label, valid, rule in rules:
        if valid.all():
            continue
        blocks = np.flatnonzero(~valid)
        raise ValueError(
            f"{name}: T0 {label} (column {column}) must be {rule}, found "
            f"{t0[blocks, column][:5].tolist()} at blocks {blocks[:5].tolist()}. "
            f"{REPLACE_HINT}"
        )


def check_finite(name: str, parts: tuple) -> None:
    """Raise ValueError when one of the ``(name, array)`` parts contains NaN or infinity."""
    for part, values in parts:
        if not np.isfinite(values).all():
            # The scoring compares numbers, and comparisons with NaN are all false,
            # so a NaN would pass checks unnoticed.
            raise ValueError(
                f"{name}: {part} has {int(np.sum(~np.isfinite(values)))} non-finite "
                f"values. {REPLACE_HINT}"
            )


def check_nets(
    name: str, b2b: np.ndarray, p2b: np.ndarray, blocks: int, pins: int
) -> None:
    """Raise ValueError for a net id out of range or a negative net weight.

    A negative weight would make the wire length, and so the HPWL gap, smaller than
    any placement can reach.
    """
    # An index out of range would fail later as a bare IndexError in the scoring.
    for id_kind, ids, limit in (
        ("b2b block", b2b[:, :2], blocks),
        ("p2b pin", p2b[:, 0], pins),
        ("p2b block", p2b[:, 1], blocks),
    ):
        bad = (ids < 0) | (ids >= limit) | (ids != np.round(ids))
        if bad.any():
            raise ValueError(
                f"{name}: {id_kind} ids must be whole numbers in [0, {limit}), found "
                f"{ids[bad][:5].tolist()}. {REPLACE_HINT}"
            )
    for part, weights in (("b2b", b2b[:, 2]), ("p2b", p2b[:, 2])):
        if np.any(weights < 0):
            raise ValueError(
                f"{name}: {part} net weights (column 2) must be >= 0, found "
                f"{weights[weights < 0][:5].tolist()}. {REPLACE_HINT}"
            )
