"""NIC neighbourhood symbols from the non-zero histogram entries only.

:func:`graphkit.metrics.neighbourhood_information.neighbour_label_counts` builds a
dense ``[N, C]`` table, which does not fit in memory for graphs with many nodes and
classes (ogbn-papers100M: 111M nodes and 172 classes, 19e9 entries). This module
gives the same symbols from the ``(node, class)`` pairs that occur, so memory grows
with the number of edges.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.int64 import INT64_MAX
from graphkit.metrics.graph import LabelledGraph
from graphkit.metrics.sorting import unique_inverse_counts


def capped_bins(bins: int, max_degree: int) -> int:
    """Return the bins that give the same symbols as ``bins`` without int64 overflow.

    Two different fractions ``c / d`` with ``d <= D`` differ by at least ``1 / D^2``,
    so every ``bins >= D^2`` rounds them to different levels, and equal fractions
    always to equal levels. Larger bins therefore give the same symbols, while the
    level formula's ``2 * bins * counts`` would overflow int64 near ``bins = 2^62``
    and silently change them.

    Raises:
        ValueError: even the capped bins overflow, which needs ``D`` above about
            1.6 million.
    """
    max_degree = max(max_degree, 1)
    capped = min(bins, max_degree**2)
    if 2 * capped * max_degree + max_degree > INT64_MAX:
        largest = (INT64_MAX - max_degree) // (2 * max_degree)
        raise ValueError(
            f"bins={bins} with neighbourhoods of up to {max_degree} nodes overflows "
            f"64-bit integers. Give at most {largest} bins, or bins=None for raw "
            "counts"
        )
    return capped


def sparse_symbols(
    graph: LabelledGraph, src: Tensor, dst: Tensor, bins: int | None
) -> tuple[Tensor, Tensor, Tensor]:
    """Map each counted node with a non-empty neighbourhood to a histogram symbol.

    Args:
        graph (LabelledGraph): the graph whose labels and counted nodes are read.
        src (Tensor): int64 ``[P]`` neighbours, each pair ``(src, dst)`` once, without
            ``src == dst``.
        dst (Tensor): int64 ``[P]`` the nodes whose neighbourhoods are counted.
        bins (int, optional): levels per class, or None for raw counts (see
            :func:`graphkit.metrics.neighbourhood_information.discretise_histograms`).

    Returns:
        ``(kept, symbols, sizes)``: the bool ``[N]`` mask of the nodes kept, and for
        those nodes in increasing id order their int64 symbol ids and neighbourhood
        sizes ``d_v``. Two nodes get the same id exactly when the dense histograms of
        ``discretise_histograms`` give them equal rows.
    """
    keys, _, counts = unique_inverse_counts(dst * graph.num_classes + graph.y[src])
    return label_count_symbols(graph, keys, counts, bins)


def label_count_symbols(
    graph: LabelledGraph, keys: Tensor, counts: Tensor, bins: int | None
) -> tuple[Tensor, Tensor, Tensor]:
    """Map each counted node with a non-empty neighbourhood to a histogram symbol.

    Args:
        graph (LabelledGraph): the graph whose labels and counted nodes are read.
        keys (Tensor): int64 ``[M]`` distinct keys ``v * C + k`` in increasing order.
        counts (Tensor): int64 ``[M]``, the number of neighbours of class ``k`` of
            node ``v`` for each key.
        bins (int, optional): as in :func:`sparse_symbols`.

    Returns:
        ``(kept, symbols, sizes)`` as :func:`sparse_symbols` returns them.
    """
    n, c = graph.num_nodes, graph.num_classes
    node, label = keys // c, keys % c
    sizes = torch.bincount(node, weights=counts.double(), minlength=n).long()
    kept = graph.mask & (sizes > 0)
    keep_entry = kept[node]
    node, label, counts = node[keep_entry], label[keep_entry], counts[keep_entry]
    if bins is None:
        levels = counts
    else:
        degree = sizes[node]
        bins = capped_bins(bins, int(degree.max()) if degree.numel() else 1)
        levels = torch.div(
            2 * bins * counts + degree, 2 * degree, rounding_mode="floor"
        )
        nonzero = levels > 0
        node, label, levels = node[nonzero], label[nonzero], levels[nonzero]
    # Entries are sorted by node, then class, so each row is a contiguous run.
    codes = label * (int(levels.max()) + 1 if levels.numel() else 1) + levels
    lengths = torch.bincount(node, minlength=n)
    starts = torch.cumsum(lengths, 0) - lengths
    kept_nodes = kept.nonzero().view(-1)
    kept_lengths = lengths[kept_nodes]
    symbols = torch.empty(kept_nodes.numel(), dtype=torch.int64)
    next_id = 0
    # Rows of different lengths differ, so equal rows are found within each length.
    for length in torch.unique(kept_lengths).tolist():
        rows = (kept_lengths == length).nonzero().view(-1)
        if length == 0:
            symbols[rows] = next_id
            next_id += 1
            continue
        index = starts[kept_nodes[rows]].unsqueeze(1) + torch.arange(length)
        distinct, inverse = torch.unique(codes[index], dim=0, return_inverse=True)
        symbols[rows] = inverse + next_id
        next_id += distinct.size(0)
    return kept, symbols, sizes[kept_nodes]
