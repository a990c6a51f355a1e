"""Split a block's destination rows into chunks of bounded edge count."""

from __future__ import annotations

import torch

from graphkit.block import Block

# Elements (edges x features) materialised per chunk: 4M float32 values are 16 MiB,
# small next to node tensors yet large enough to keep per-chunk overhead negligible.
CHUNK_ELEMENTS = 1 << 22


def row_chunks(block: Block, width: int) -> list[tuple[int, int, int, int]]:
    """Return ``(row_start, row_end, edge_start, edge_end)`` tuples covering all rows.

    With ``B = max(1, CHUNK_ELEMENTS // width)``, a chunk holds fewer than ``B + d``
    edges, where ``d`` is the in-degree of its first row, because a chunk ends at the
    last row that starts before the next multiple of ``B`` edges. A per-edge tensor of
    ``width`` values per edge thus stays under twice the element budget, except for a
    chunk whose first row alone exceeds the budget.
    """
    max_edges = max(1, CHUNK_ELEMENTS // max(1, width))
    key = ("row_chunks", max_edges)
    if key in block._cache:
        return block._cache[key]
    rowptr = block.rowptr
    num_edges = int(rowptr[-1])
    chunks = []
    if num_edges <= max_edges:
        chunks.append((0, block.num_dst, 0, num_edges))
    else:
        # Row boundaries where the running edge count crosses multiples of max_edges.
        targets = torch.arange(max_edges, num_edges, max_edges, device=rowptr.device)
        cuts = torch.searchsorted(rowptr, targets, right=True) - 1
        ends = torch.tensor([0, block.num_dst], device=rowptr.device)
        bounds = torch.unique(torch.cat([ends[:1], cuts, ends[1:]]))
        for r0, r1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            chunks.append((r0, r1, int(rowptr[r0]), int(rowptr[r1])))
    block._cache[key] = chunks
    return chunks
