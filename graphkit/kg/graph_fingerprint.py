"""Fingerprints of training graphs, stored in training checkpoints to check a resume.

A fingerprint is the first 16 hex digits of the SHA-256 of the entity count, the
relation count and the facts sorted by ``(head, relation, tail)``. Two graphs with the
same facts get the same fingerprint whatever the order of their rows, and a graph with
one fact changed gets another one. An order fingerprint hashes the facts in row order
instead, because the batches of a training run are drawn by row.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from graphkit.option_names import option

if TYPE_CHECKING:
    from graphkit.kg.graph import KnowledgeGraph

logger = logging.getLogger(__name__)


def graph_fingerprint(graph: KnowledgeGraph) -> str:
    """Return the fingerprint of ``graph``'s facts, entity count and relation count."""
    triples = _triples(graph)
    # lexsort sorts by its last key first, so this orders by head, relation, tail.
    order = np.lexsort((triples[:, 2], triples[:, 1], triples[:, 0]))
    return _digest(graph, triples[order])


def graph_order_fingerprint(graph: KnowledgeGraph) -> str:
    """Return the fingerprint of ``graph``'s facts in row order and its counts."""
    return _digest(graph, _triples(graph))


def _triples(graph: KnowledgeGraph) -> np.ndarray:
    return graph.triples.detach().cpu().numpy().astype(np.int64, copy=False)


def _digest(graph: KnowledgeGraph, triples: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(
        np.array([graph.num_entities, graph.num_relations], np.int64).tobytes()
    )
    digest.update(np.ascontiguousarray(triples).tobytes())
    return digest.hexdigest()[:16]


def check_same_graphs(
    path: str | Path,
    saved: Sequence[str] | None,
    saved_sizes: Sequence[int],
    fingerprints: Sequence[str],
    sizes: Sequence[int],
    saved_orders: Sequence[str] | None = None,
    orders: Sequence[str] | None = None,
) -> None:
    """Raise ValueError when a checkpoint was trained on other graphs than this run's.

    ``saved`` and ``saved_sizes`` are the checkpoint's fingerprints and facts per
    graph, ``fingerprints`` and ``sizes`` this run's. A checkpoint without
    fingerprints (``saved`` None, written before graphkit stored them) resumes with a
    warning.

    ``saved_orders`` and ``orders`` are the order fingerprints of the checkpoint and of
    this run. A graph with the same facts in another row order resumes with a warning,
    because the run then draws other batches than the interrupted run would have. A
    checkpoint without order fingerprints (``saved_orders`` None) resumes with a
    warning that the order was not checked.
    """
    if saved is None:
        logger.warning(
            "%s contains no graph fingerprints (it was written by an earlier "
            "graphkit), so the resume cannot check that the graphs are the ones it "
            "was trained on",
            path,
        )
        return
    saved = list(saved)
    fingerprints = list(fingerprints)
    if saved != fingerprints:
        raise ValueError(
            f"{path} was trained on other graphs than this run. Its graph fingerprints "
            f"are {_describe(saved, saved_sizes)}, and this run's are "
            f"{_describe(fingerprints, sizes)}. Pass the graphs that the checkpoint was "
            f"trained on, in the same order, or start a new run without "
            f"{option('resume')} in another {option('checkpoint_dir')}"
        )
    if orders is None:
        return
    if saved_orders is None:
        logger.warning(
            "%s contains no fact-order fingerprints (it was written by an earlier "
            "graphkit), so the resume cannot check that each graph lists its facts "
            "in the same row order. Facts in another order give other batches than "
            "the interrupted run",
            path,
        )
        return
    reordered = [
        index
        for index, (old, new) in enumerate(zip(saved_orders, orders))
        if old != new
    ]
    if reordered:
        logger.warning(
            "%s was trained on the same facts, but %s its facts in another row "
            "order, so the resumed run draws other batches than the interrupted run "
            "would have. Pass the facts in the row order of the interrupted run to "
            "continue it exactly",
            path,
            _describe_graphs(reordered, len(orders)),
        )


def _describe_graphs(indices: list[int], num_graphs: int) -> str:
    """Return the subject that names training graphs ``indices``, counted from 0."""
    if num_graphs == 1:
        return "the training graph lists"
    if len(indices) == 1:
        return f"training graph {indices[0]} (counted from 0) lists"
    return f"training graphs {', '.join(map(str, indices))} (counted from 0) list"


def _describe(fingerprints: list[str], sizes: Sequence[int]) -> str:
    """Return each graph's fingerprint with its number of facts, when known."""
    sizes = list(sizes)
    if len(sizes) != len(fingerprints):
        return ", ".join(fingerprints)
    return ", ".join(
        f"{fingerprint} ({size} facts)"
        for fingerprint, size in zip(fingerprints, sizes)
    )
