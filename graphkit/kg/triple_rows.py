"""Checks of the named triples that :meth:`KnowledgeGraph.from_named_triples` reads.

It takes any iterable of ``(head, relation, tail)`` rows, and also a pandas
``DataFrame`` whose three columns are the head, the relation and the tail.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from graphkit.kg.errors import KGFormatError

SOURCE = "<triples>"


def triple_rows(named) -> Iterable[Sequence]:
    """Return the rows of ``named``, reading a pandas ``DataFrame`` row by row.

    Iterating a ``DataFrame`` yields its column names, so it is read with
    ``itertuples`` instead. It must have exactly three columns, taken in order as
    head, relation and tail.
    """
    if not (hasattr(named, "itertuples") and hasattr(named, "columns")):
        return named
    columns = list(named.columns)
    if len(columns) != 3:
        raise ValueError(
            f"a DataFrame of triples needs 3 columns (head, relation, tail), found "
            f"{len(columns)}: {columns}. Select the three in that order, such as "
            "df[['head', 'relation', 'tail']]"
        )
    return named.itertuples(index=False, name=None)


def check_string_names(
    rows: Sequence[tuple[int, int, int]], entities: dict, relations: dict
) -> None:
    """Raise KGFormatError naming the first row whose head, relation or tail is not a str.

    ``rows`` are id triples, and ``entities`` and ``relations`` map each name to its
    id. The common case of all-string names costs one pass over the names.
    """
    if all(isinstance(name, str) for name in entities) and all(
        isinstance(name, str) for name in relations
    ):
        return
    entity_names, relation_names = list(entities), list(relations)
    for position, (h, r, t) in enumerate(rows):
        named = (entity_names[h], relation_names[r], entity_names[t])
        for role, name in zip(("head", "relation", "tail"), named):
            if not isinstance(name, str):
                raise KGFormatError(SOURCE, position + 1, _not_a_string(role, name))


def _not_a_string(role: str, name) -> str:
    """Return the error message for a ``role`` name of another type than str."""
    message = (
        f"the {role} {name!r} ({type(name).__name__}) is not a string. Entity and "
        "relation names must be strings, as in the triple files and in the names "
        "that predict and score take"
    )
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return message + (
            ". Drop rows with missing names first, such as df.dropna() for a DataFrame"
        )
    return message + (
        ". Convert ids to names with str(), such as df.astype(str) for a DataFrame, "
        "or pass an id tensor to KnowledgeGraph(triples, entity_names, relation_names)"
    )
