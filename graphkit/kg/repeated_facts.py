"""Detection of facts that a graph's triples list on more than one row.

ULTRA sums the messages of parallel edges, so every copy of a fact weighs that fact
again and changes the scores of every query near it. The file loaders keep one row
per fact (``drop_repeated_facts`` in :mod:`graphkit.kg.io`), but a
:class:`~graphkit.kg.graph.KnowledgeGraph` built in Python keeps the rows it is given,
so its constructor logs a warning that names the first repeated row.
"""

from __future__ import annotations

import logging

import numpy as np
import torch
from torch import Tensor

logger = logging.getLogger(__name__)


def fact_keys(triples: Tensor, num_entities: int, num_relations: int) -> np.ndarray:
    """Return one int64 number per row of ``triples`` ``(T, 3)``, equal for equal rows."""
    if num_entities**2 * max(num_relations, 1) < 2**63:
        rows = triples.numpy()
        heads, relations, tails = rows[:, 0], rows[:, 1], rows[:, 2]
        return (heads * num_relations + relations) * num_entities + tails
    # One number per row would overflow int64, so the distinct rows are numbered.
    # torch.unique over rows sorts much more slowly than numpy sorts one number per row,
    # so it serves only this case.
    _, inverse = torch.unique(triples, dim=0, return_inverse=True)
    return inverse.numpy()


def first_repeat(keys: np.ndarray) -> tuple[int, int, int] | None:
    """Return ``(repeats, row, earlier)`` for the rows of ``keys`` that repeat a row.

    ``repeats`` counts the rows that equal an earlier row, ``row`` is the first such
    row and ``earlier`` the first row it equals. Returns None when all keys differ.
    """
    ordered = np.sort(keys)
    repeated_keys = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeated_keys.size == 0:
        return None
    candidates = np.flatnonzero(np.isin(keys, repeated_keys))
    _, first_positions = np.unique(keys[candidates], return_index=True)
    later = np.ones(candidates.size, dtype=bool)
    later[first_positions] = False
    row = int(candidates[later][0])
    earlier = int(np.flatnonzero(keys == keys[row])[0])
    return int(later.sum()), row, earlier


def dedupe_hint(rows: object) -> str:
    """Return an expression that keeps one copy of each row of ``rows``, by its type."""
    if isinstance(rows, Tensor):
        return "triples.unique(dim=0)"
    if isinstance(rows, np.ndarray):
        return "np.unique(rows, axis=0)"
    if hasattr(rows, "itertuples") and hasattr(rows, "columns"):
        return "df.drop_duplicates()"
    return "list(dict.fromkeys(map(tuple, rows)))"


def warn_repeated_facts(
    triples: Tensor,
    num_entities: int,
    num_relations: int,
    dedupe: str = "triples.unique(dim=0)",
) -> None:
    """Log one warning when a fact of ``triples`` ``(T, 3)`` occurs on several rows.

    ``dedupe`` is the expression the warning suggests to drop the repeated rows from
    the caller's input (see :func:`dedupe_hint`).
    """
    if triples.size(0) < 2:
        return
    found = first_repeat(fact_keys(triples, num_entities, num_relations))
    if found is None:
        return
    repeats, row, earlier = found
    head, relation, tail = triples[row].tolist()
    logger.warning(
        "%d of the %d rows of triples repeat an earlier row (first: row %d, the fact "
        "(%d, %d, %d), repeats row %d). ULTRA sums the messages of parallel edges, so "
        "each copy weighs its fact again and changes the scores. Keep one row per "
        "fact, for example with %s, or load the facts with load_graph, which drops "
        "repeated rows",
        repeats,
        triples.size(0),
        row,
        head,
        relation,
        tail,
        earlier,
        dedupe,
    )
