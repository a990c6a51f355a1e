"""Fingerprints of training graphs, stored in training checkpoints to check a resume.

A fingerprint is the first 16 hex digits of the SHA-256 of the entity count, the
relation count and the facts sorted by ``(head, relation, tail)``. Two graphs with the
same facts get the same fingerprint whatever the order of their rows, and a graph with
one fact changed gets another one.
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
    triples = graph.triples.detach().cpu().numpy().astype(np.int64, copy=False)
    # lexsort sorts by its last key first, so this orders by head, relation, tail.
    order = np.lexsort((triples[:, 2], triples[:, 1], triples[:, 0]))
    digest = hashlib.sha256()
    digest.update(
        np.array([graph.num_entities, graph.num_relations], np.int64).tobytes()
    )
    digest.update(np.ascontiguousarray(triples[order]).tobytes())
    return digest.hexdigest()[:16]


def check_same_graphs(
    path: str | Path,
    saved: Sequence[str] | None,
    saved_sizes: Sequence[int],
    fingerprints: Sequence[str],
    sizes: Sequence[int],
) -> None:
    """Raise ValueError when a checkpoint was trained on other graphs than this run's.

    ``saved`` and ``saved_sizes`` are the checkpoint's fingerprints and facts per
    graph, ``fingerprints`` and ``sizes`` this run's. A checkpoint without
    fingerprints (``saved`` None, written before graphkit stored them) resumes with a
    warning.

    NOTE: the order of the facts is not compared, so a graph with the same facts in
    another row order resumes, but the run then draws other batches than the
    uninterrupted one.
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
    if saved == fingerprints:
        return
    raise ValueError(
        f"{path} was trained on other graphs than this run. Its graph fingerprints "
        f"are {_describe(saved, saved_sizes)}, and this run's are "
        f"{_describe(fingerprints, sizes)}. Pass the graphs that the checkpoint was "
        f"trained on, in the same order, or start a new run without "
        f"{option('resume')} in another {option('checkpoint_dir')}"
    )


def _describe(fingerprints: list[str], sizes: Sequence[int]) -> str:
    """Return each graph's fingerprint with its number of facts, when known."""
    sizes = list(sizes)
    if len(sizes) != len(fingerprints):
        return ", ".join(fingerprints)
    return ", ".join(
        f"{fingerprint} ({size} facts)"
        for fingerprint, size in zip(fingerprints, sizes)
    )
