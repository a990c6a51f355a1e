"""Query rows that repeat a fact of the message-passing graph or an earlier query row.

A query triple that is also a fact of the graph it is ranked on is a leak, because
ULTRA passes messages over the fact's edge from the source to the answer. Such a query
is easy, so MRR and Hits@k overstate the model's accuracy. A query row listed twice is
ranked twice and weighs double in the metrics. ULTRA's loaders keep both kinds of row,
and so do the loaders here, but they log one warning per file with the first such row.
The GraIL splits and CoDEx-Small contain neither kind. Other published splits do, such
as the NELL-995-h25 split of the multirelational-poincare repository, whose test file
shares 52 triples with its training file.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from torch import Tensor

    from graphkit.kg.graph import KnowledgeGraph
    from graphkit.kg.io import NamedTriples

logger = logging.getLogger(__name__)


def rows_in(triples: Tensor, reference: Tensor) -> Tensor:
    """Return a ``(Q,)`` mask of the rows of ``triples`` ``(Q, 3)`` that are also rows
    of ``reference`` ``(F, 3)``."""
    if triples.numel() == 0 or reference.numel() == 0:
        return torch.zeros(triples.size(0), dtype=torch.bool)
    # Numbering the distinct rows avoids a combined integer key, which could overflow.
    _, ids = torch.unique(torch.cat([reference, triples]), dim=0, return_inverse=True)
    return torch.isin(ids[reference.size(0) :], ids[: reference.size(0)])


def first_occurrences(triples: Tensor) -> Tensor:
    """Return, for each row of ``triples`` ``(Q, 3)``, the index of its first copy."""
    if triples.numel() == 0:
        return torch.zeros(0, dtype=torch.long)
    _, ids = torch.unique(triples, dim=0, return_inverse=True)
    first = torch.full((int(ids.max()) + 1,), triples.size(0), dtype=torch.long)
    first.scatter_reduce_(0, ids, torch.arange(triples.size(0)), reduce="amin")
    return first[ids]


def warn_query_overlap(
    queries: NamedTriples, encoded: Tensor, graph: KnowledgeGraph, facts_file: str
) -> None:
    """Log a warning if rows of ``queries`` are facts of ``graph`` or repeat a row.

    ``encoded`` contains the ids of ``queries.rows`` in ``graph``, one row per row.
    ``facts_file`` names the file that ``graph``'s facts come from. Each warning names
    ``queries.source``, the count and the line of the first such row.
    """
    lines = queries.lines
    is_fact = rows_in(encoded, graph.triples.cpu())
    if bool(is_fact.any()):
        first = int(is_fact.nonzero()[0])
        logger.warning(
            "%s: %d of %d query rows are also facts of %s (first: line %d, %r). The "
            "model reaches the answer of such a query over the fact's own edge, so "
            "MRR and Hits@k overstate it. Remove these rows from one of the two files",
            queries.source,
            int(is_fact.sum()),
            len(lines),
            facts_file,
            lines[first],
            tuple(queries.rows[first]),
        )
    first_copy = first_occurrences(encoded)
    repeated = first_copy != torch.arange(encoded.size(0))
    if bool(repeated.any()):
        row = int(repeated.nonzero()[0])
        count = int(repeated.sum())
        logger.warning(
            "%s:%d: the query on this line repeats line %d (%s in the file). Each row "
            "is ranked, so a repeated query counts more than once in MRR and Hits@k. "
            "Remove the repeats unless they are intended",
            queries.source,
            lines[row],
            lines[int(first_copy[row])],
            "1 repeated row" if count == 1 else f"{count} repeated rows",
        )
