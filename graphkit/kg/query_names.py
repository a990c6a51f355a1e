"""Query rows whose entity or relation has no facts in the message-passing graph.

ULTRA's loaders number the entities and relations of every file they read, queries
included, in order of first appearance: the facts file first, then each query file,
the head before the tail of each row. A name that occurs only in query rows thus
becomes an entity or relation without facts, and its queries are ranked. The loaders
here number names the same way. They also keep such rows and warn once per file.

The model has no information about such a name, so its ranks are uninformed. ULTRA's
forward pass has both properties below, and ``tests/kg`` checks them:

* A relation ``r`` without facts is an isolated node of the relation graph, and so is
  ``r + R``. In a query on ``r``, the query vector and the states of all relations
  with facts are then the same for every such ``r``. So any two relations without
  facts give the same scores for the same source entity.
* An entity ``v`` without facts receives no messages, so its final state is one vector
  for all queries it is not the source of, and its score depends only on the query
  relation. Every entity without facts thus gets that same score. A query whose source
  has no facts sends no messages, so the other entities' scores depend only on its
  relation.

NOTE: entities without facts tie only in exact arithmetic. Their float scores can differ
in the last bits, because a matrix product may round equal rows at different positions
differently. The order among them, and the pessimistic rank of such an answer, then
depends on round-off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from graphkit.kg.graph import (
    KnowledgeGraph,
    check_id_ranges,
    check_triples,
    number_named_triples,
)
from graphkit.kg.names import name_key

if TYPE_CHECKING:
    from torch import Tensor

    from graphkit.kg.io import NamedTriples

logger = logging.getLogger(__name__)


def graph_with_query_names(
    facts: NamedTriples,
    queries: Sequence[NamedTriples],
    relation_names: Sequence[str] | None = None,
) -> KnowledgeGraph:
    """Build the graph of ``facts`` whose name lists also contain the names of ``queries``.

    Args:
        facts (NamedTriples): the message-passing facts.
        queries (Sequence[NamedTriples]): query files, in the order their new names are
            numbered.
        relation_names (Sequence[str], optional): relations that come first, as in
            :meth:`KnowledgeGraph.from_named_triples`.

    Returns:
        KnowledgeGraph: the facts of ``facts`` only. Entities and relations are numbered
        by first appearance in ``facts``, then in each query file.
    """
    rows = list(facts.rows)
    for part in queries:
        rows.extend(part.rows)
    # Query rows may repeat facts or each other, so the rows are numbered without
    # building a graph of them, which would warn about repeated facts.
    triples, entity_names, names = number_named_triples(rows, relation_names)
    return KnowledgeGraph(triples[: len(facts.rows)], entity_names, names)


def warn_rows_without_facts(
    queries: NamedTriples, graph: KnowledgeGraph, facts_file: str
) -> None:
    """Log one warning if rows of ``queries`` name an entity or relation that has no
    facts in ``graph``.

    The warning names ``queries.source``, the number of such rows and the first of them
    with its line. ``facts_file`` names the file that ``graph``'s facts come from.
    Names are compared in NFC form, as the graph compares them.
    """
    entities = {
        name_key(graph.entity_names[i])
        for i in graph.triples[:, [0, 2]].unique().tolist()
    }
    relations = {
        name_key(graph.relation_names[i]) for i in graph.triples[:, 1].unique().tolist()
    }
    count, first = 0, None
    for (head, relation, tail), line in zip(queries.rows, queries.lines):
        missing = [
            f"{kind} {name!r}"
            for kind, name, known in (
                ("entity", head, entities),
                ("relation", relation, relations),
                ("entity", tail, entities),
            )
            # A name equal to a known NFC form is found without normalizing it.
            if name not in known and name_key(name) not in known
        ]
        if not missing:
            continue
        count += 1
        if first is None:
            first = (line, " and ".join(dict.fromkeys(missing)))
    if first is None:
        return
    logger.warning(
        "%s: %d of %d rows name an entity or relation without facts in %s (first: "
        "line %d, %s). They are kept and ranked, as ULTRA's loaders do, but ULTRA "
        "represents an entity or relation only through its facts, so their ranks "
        "are uninformed",
        queries.source,
        count,
        len(queries.rows),
        facts_file,
        first[0],
        first[1],
    )


def queries_without_facts(graph: KnowledgeGraph, queries: Tensor) -> Tensor:
    """Mark the query rows whose head, relation or tail has no facts in ``graph``.

    Both ranks of such a row, of its tail query and of its head query, are uninformed.

    Args:
        graph (KnowledgeGraph): the message-passing graph the queries are ranked on.
        queries (LongTensor): ``(head, relation, tail)`` ids of ``graph``, shape
            ``(Q, 3)``.

    Returns:
        BoolTensor: shape ``(Q,)`` on the CPU, True for a row that names an entity or
        relation without facts.

    Raises:
        TypeError: ``graph`` is not a :class:`KnowledgeGraph`, or ``queries`` has a
            float or bool dtype.
        ValueError: ``queries`` is not ``(Q, 3)``, or an id lies outside ``graph``.
            A negative id would otherwise mark the row by another name's facts.
    """
    _check_graph(graph)
    facts = graph.triples.cpu()
    queries = check_triples(queries)
    check_id_ranges(
        queries,
        graph.num_entities,
        graph.num_relations,
        "pass query ids of this graph with original relation ids",
        "queries_without_facts",
    )
    entity_has_facts = torch.zeros(graph.num_entities, dtype=torch.bool)
    entity_has_facts[facts[:, 0]] = True
    entity_has_facts[facts[:, 2]] = True
    relation_has_facts = torch.zeros(graph.num_relations, dtype=torch.bool)
    relation_has_facts[facts[:, 1]] = True
    informed = (
        entity_has_facts[queries[:, 0]]
        & relation_has_facts[queries[:, 1]]
        & entity_has_facts[queries[:, 2]]
    )
    return ~informed


def _check_graph(graph) -> None:
    """Raise TypeError unless ``graph`` is a :class:`KnowledgeGraph`, naming its fix."""
    if isinstance(graph, KnowledgeGraph):
        return
    # graphkit.kg.io imports this module, so its classes are imported here.
    from graphkit.kg.io import InductiveSplit, LinkPredictionSet

    if isinstance(graph, LinkPredictionSet):
        fix = "pass its .graph, the facts it ranks on"
    elif isinstance(graph, InductiveSplit):
        fix = "pass split.test.graph or split.train.graph with the queries of that set"
    else:
        fix = "pass the KnowledgeGraph that the queries are ranked on"
    raise TypeError(
        f"queries_without_facts takes a KnowledgeGraph, got {type(graph).__name__}: {fix}"
    )
