"""Sort, deduplicate and symmetrise an ``edge_index`` without importing PyG.

Each edge ``(row, col)`` becomes the key ``row * N + col``. One sorted ``torch.unique``
of the keys orders the edges by source, then target, and drops duplicates, which is
what PyG's ``coalesce`` returns for an ``edge_index`` without edge values. The loaders
that need nothing else from PyG use these functions, so that ``graphkit analyze`` can
load them without importing ``torch_geometric`` (about 1.8 CPU s, torch 2.13 and PyG
2.8.1). Graphs whose keys would overflow int64 (N above about 3.0e9) go to PyG.
"""

from __future__ import annotations

import torch
from torch import Tensor

MAX_INT64 = 2**63 - 1


def coalesce_edges(edge_index: Tensor, num_nodes: int, sort_by_row: bool = True) -> Tensor:
    """Return the distinct edges of ``edge_index`` ``[2, E]``, sorted by source, then target.

    With ``sort_by_row=False`` they are sorted by target, then source, as PyG's option of
    that name does.
    """
    if _keys_overflow(num_nodes):
        from torch_geometric.utils import coalesce

        return coalesce(edge_index, num_nodes=num_nodes, sort_by_row=sort_by_row)
    if edge_index.size(1) == 0:
        return edge_index.long()
    first, second = edge_index.long() if sort_by_row else edge_index.long().flip(0)
    keys = torch.unique(first * num_nodes + second, sorted=True)
    sorted_edges = torch.stack([keys // num_nodes, keys % num_nodes])
    return sorted_edges if sort_by_row else sorted_edges.flip(0)


def symmetric_edges(edge_index: Tensor, num_nodes: int) -> Tensor:
    """Add the reverse of every edge, then coalesce (PyG's ``to_undirected`` without values)."""
    both = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    return coalesce_edges(both, num_nodes)


def _keys_overflow(num_nodes: int) -> bool:
    return num_nodes > 0 and num_nodes > MAX_INT64 // num_nodes
