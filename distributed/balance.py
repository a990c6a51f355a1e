"""Training-node balance, the second balance constraint of a partition, by swaps.

METIS (through ``pymetis``) balances one vertex weight. To balance nodes *and* training
nodes, the partition from METIS (balanced by nodes) is refined by swaps. Each swap moves
a training node ``u`` from a partition ``p`` above its share to a partition ``q`` below
it, and a non-training node ``w`` from ``q`` back to ``p``, so node counts never change.
Nodes are chosen by their gain in edge cut,

    gain(u, p -> q) = |N(u) ∩ V_q| - |N(u) ∩ V_p|,

largest gain first (the greedy rule of Kernighan-Lin and Fiduccia-Mattheyses refinement).
Swaps stop when every partition contains between ``ceil(T (1 - tol))`` and
``floor(T (1 + tol))`` training nodes, with ``T = N_train / P`` (the bounds widen to
``floor(T)`` and ``ceil(T)`` when they are tighter than that).

Before that, :func:`fill_empty_partitions` moves nodes by the same gain into the
partitions that METIS left empty.
"""

from __future__ import annotations

import logging
import math

import numpy as np

logger = logging.getLogger(__name__)


def _gain(
    indptr: np.ndarray,
    indices: np.ndarray,
    parts: np.ndarray,
    nodes: np.ndarray,
    p: int,
    q: int,
) -> np.ndarray:
    """Return the edge-cut gain of moving each of ``nodes`` from ``p`` to ``q``."""
    starts, ends = indptr[nodes], indptr[nodes + 1]
    degree = ends - starts
    if int(degree.sum()) == 0:
        return np.zeros(nodes.size, dtype=np.int64)
    rows = np.repeat(np.arange(nodes.size), degree)
    offsets = np.arange(int(degree.sum())) - np.repeat(
        np.cumsum(degree) - degree, degree
    )
    neighbour_parts = parts[indices[np.repeat(starts, degree) + offsets]]
    score = (neighbour_parts == q).astype(np.int64) - (neighbour_parts == p)
    return np.bincount(rows, weights=score, minlength=nodes.size).astype(np.int64)


def fill_empty_partitions(
    indptr: np.ndarray,
    indices: np.ndarray,
    parts: np.ndarray,
    num_parts: int,
) -> np.ndarray:
    """Return a copy of ``parts`` with every empty partition grown to ``N // P`` nodes.

    Partitions that were not empty only give nodes away, so one that METIS left with
    fewer than ``N // P`` nodes stays that small.

    METIS leaves partitions empty when ``P`` approaches ``N``, and on small dense
    graphs it can put every node into one partition. For example, pymetis 2025.2.2 put
    all nodes of a random graph of 64 nodes and 1,280 edges into 1 of 32 partitions.
    Each empty partition ``q`` is grown to
    ``N // P`` nodes from the currently largest partition ``p``, a few nodes at a time,
    taking the nodes of largest gain ``|N(u) ∩ V_q| - |N(u) ∩ V_p|`` first, so ``q``
    grows along edges where it can. Needs ``P <= N``.

    Args:
        indptr (ndarray): ``[N + 1]`` CSR row pointer of the symmetric graph.
        indices (ndarray): CSR column indices.
        parts (ndarray): ``[N]`` partition of each node (left unchanged).
        num_parts (int): number of partitions ``P``.
    """
    parts = parts.astype(np.int64, copy=True)
    target = max(1, parts.size // num_parts)
    sizes = np.bincount(parts, minlength=num_parts)
    step = max(1, target // 4)
    for q in np.flatnonzero(sizes == 0).tolist():
        while sizes[q] < target:
            p = int(sizes.argmax())
            k = min(step, target - int(sizes[q]), int(sizes[p]) - target)
            if k < 1:
                break
            movers = np.flatnonzero(parts == p)
            order = np.argsort(
                -_gain(indptr, indices, parts, movers, p, q), kind="stable"
            )
            parts[movers[order[:k]]] = q
            sizes[p] -= k
            sizes[q] += k
    return parts


def balance_training_nodes(
    indptr: np.ndarray,
    indices: np.ndarray,
    parts: np.ndarray,
    train: np.ndarray,
    num_parts: int,
    tol: float = 0.03,
) -> np.ndarray:
    """Return a copy of ``parts`` whose training nodes are spread within ``tol``.

    Args:
        indptr (ndarray): ``[N + 1]`` CSR row pointer of the symmetric graph.
        indices (ndarray): CSR column indices.
        parts (ndarray): ``[N]`` partition of each node (left unchanged).
        train (ndarray): ``[N]`` boolean, the training nodes.
        num_parts (int): number of partitions ``P``.
        tol (float): allowed relative deviation from ``N_train / P``. (default: ``0.03``)
    """
    if tol < 0:
        raise ValueError(
            f"balance tolerance must be non-negative, got {tol}. Pass tol >= 0"
        )
    parts = parts.astype(np.int64, copy=True)
    train = train.astype(bool)
    share = train.sum() / num_parts
    upper = max(math.floor(share * (1 + tol)), math.ceil(share))
    lower = min(math.ceil(share * (1 - tol)), math.floor(share))
    for _ in range(num_parts * num_parts * 4):
        counts = np.bincount(parts[train], minlength=num_parts)
        # q needs a non-training node to swap back. An empty partition has none, and
        # METIS leaves some empty when there are nearly as many parts as nodes.
        fillable = np.bincount(parts[~train], minlength=num_parts) > 0
        p = int(counts.argmax())
        q = int(np.where(fillable, counts, counts.max() + 1).argmin())
        excess = max(int(counts[p]) - upper, lower - int(counts[q]), 0)
        if excess == 0:
            break
        # Move just enough nodes to bring p or q back to its share.
        k = max(
            1,
            min(int(counts[p]) - math.ceil(share), math.floor(share) - int(counts[q])),
        )
        movers = np.flatnonzero(train & (parts == p))
        fillers = np.flatnonzero(~train & (parts == q))
        k = min(k, movers.size, fillers.size)
        if k == 0 or p == q:
            logger.warning(
                "training-node balance stopped: partition %d has no non-training node "
                "to swap (training counts %s). Use fewer partitions to balance "
                "further",
                q,
                counts.tolist(),
            )
            break
        movers = movers[
            np.argsort(-_gain(indptr, indices, parts, movers, p, q), kind="stable")
        ]
        fillers = fillers[
            np.argsort(-_gain(indptr, indices, parts, fillers, q, p), kind="stable")
        ]
        parts[movers[:k]] = q
        parts[fillers[:k]] = p
    else:
        logger.warning(
            "training-node balance stopped after %d swap rounds (training counts %s)",
            num_parts * num_parts * 4,
            np.bincount(parts[train], minlength=num_parts).tolist(),
        )
    return parts
