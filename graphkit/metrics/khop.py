"""Class counts of ``K``-hop in-neighbourhoods, one block of target nodes at a time.

The pairs ``(v, u)`` with ``u`` within ``K`` in-edge steps of ``v`` can outnumber the
edges by orders of magnitude, so they are never all held at once. For example,
``K = 5`` on a graph with a few high-degree nodes reaches most nodes from every node.
The rows ``R`` of the reachability pattern grow hop by hop as

.. math::
    P_1[R] = A[R], \\qquad P_{k+1}[R] = A[R] + P_k[R] \\, A

with ``A[v, u] = 1`` for each edge ``u -> v``, and each block is reduced to its
``(node, class)`` counts before the next block starts. A block whose pattern grows
past ``max_pairs`` entries is split in half and redone, so at most about
``max_pairs`` pairs are held, unless a single node reaches more nodes than that.
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor

from graphkit.metrics.graph import LabelledGraph
from graphkit.metrics.sorting import unique_inverse_counts

# About 0.4 GiB of COO indices and values per block pattern, before the sparse
# product's own workspace.
MAX_BLOCK_PAIRS = 1 << 24


def khop_label_counts(
    graph: LabelledGraph, hops: int, max_pairs: int | None = None
) -> tuple[Tensor, Tensor]:
    """Count the classes of each node's ``hops``-hop in-neighbourhood, ``v`` excluded.

    Args:
        graph (LabelledGraph): edges and labels.
        hops (int): ``K >= 1``.
        max_pairs (int, optional): the maximum number of reachability pairs held per
            block of target nodes (default :data:`MAX_BLOCK_PAIRS`).

    Returns:
        ``(keys, counts)``: the distinct keys ``v * C + y_u`` over the pairs in
        increasing order, and the number of pairs with each key, both int64.

    NOTE: the output contains one entry per (node, class) pair that occurs, up to
    ``N * C``, and ``max_pairs`` does not bound it.
    """
    if max_pairs is None:
        max_pairs = MAX_BLOCK_PAIRS
    n = graph.num_nodes
    adjacency = torch.sparse_coo_tensor(
        torch.stack([graph.dst, graph.src]),
        torch.ones(graph.src.numel()),
        (n, n),
        check_invariants=False,
    ).coalesce()
    row_starts = torch.bincount(adjacency.indices()[0], minlength=n).cumsum(0)
    row_starts = torch.cat([torch.zeros(1, dtype=torch.int64), row_starts])
    # The first block is sized for about half of max_pairs if every node reached
    # mean_degree ** hops nodes, and later blocks follow the sizes measured.
    mean_degree = max(graph.src.numel() // max(n, 1), 1)
    rows = max(max_pairs // (2 * min(mean_degree**hops, n)), 1)
    keys, counts = [], []
    start = 0
    while start < n:
        stop = min(start + rows, n)
        pattern = _reach_block(adjacency, row_starts, start, stop, hops, max_pairs)
        if isinstance(pattern, int):
            # The block had `pattern` pairs at some hop, and later hops only add pairs.
            rows = max(min((stop - start) // 2, (stop - start) * max_pairs // pattern), 1)
            continue
        block_keys, block_counts = _block_label_counts(graph, pattern, start, stop)
        keys.append(block_keys)
        counts.append(block_counts)
        if 4 * pattern[0].numel() < max_pairs:
            rows *= 2
        start = stop
    if not keys:
        empty = torch.zeros(0, dtype=torch.int64)
        return empty, empty
    return torch.cat(keys), torch.cat(counts)


def _block_label_counts(
    graph: LabelledGraph, pattern: tuple[Tensor, Tensor], start: int, stop: int
) -> tuple[Tensor, Tensor]:
    """Reduce one block's pattern to its sorted ``(node, class)`` keys and counts."""
    c = graph.num_classes
    row, column = pattern
    keep = row + start != column
    local_keys = row[keep] * c + graph.y[column[keep]]
    table_size = (stop - start) * c
    if table_size <= max(local_keys.numel(), 1 << 16):
        # A table no larger than the pairs: counting is linear, where sorting is not.
        table = torch.bincount(local_keys, minlength=table_size)
        block_keys = table.nonzero().view(-1)
        block_counts = table[block_keys]
    else:
        block_keys, _, block_counts = unique_inverse_counts(local_keys)
    return block_keys + start * c, block_counts


def _reach_block(
    adjacency: Tensor, row_starts: Tensor, start: int, stop: int, hops: int, max_pairs: int
) -> tuple[Tensor, Tensor] | int:
    """Return the rows ``start:stop`` of the ``hops``-hop pattern as ``(row, column)``.

    Rows are numbered from 0 at ``start``. When a block of more than one row grows
    past ``max_pairs`` pairs, its pair count at that hop is returned instead.
    """
    n = adjacency.size(0)
    lo, hi = int(row_starts[start]), int(row_starts[stop])
    rows, columns = adjacency.indices()[:, lo:hi]
    first = torch.sparse_coo_tensor(
        torch.stack([rows - start, columns]),
        torch.ones(hi - lo),
        (stop - start, n),
        is_coalesced=True,
        check_invariants=False,
    )
    splittable = stop - start > 1
    if splittable and hi - lo > max_pairs:
        return hi - lo
    reach = first
    for _ in range(hops - 1):
        with warnings.catch_warnings():
            # torch.sparse.mm goes through CSR internally and warns that CSR is in beta.
            warnings.filterwarnings("ignore", message="Sparse CSR tensor support")
            grown = (torch.sparse.mm(reach, adjacency) + first).coalesce()
        size = grown.indices().size(1)
        if splittable and size > max_pairs:
            return size
        if size == reach.indices().size(1):
            # The pattern only grows, so an equal count means no new pair, and every
            # further hop would give the same pattern.
            break
        reach = torch.sparse_coo_tensor(
            grown.indices(),
            torch.ones(size),
            grown.shape,
            is_coalesced=True,
            check_invariants=False,
        )
    row, column = reach.indices()
    return row, column
