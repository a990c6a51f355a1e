"""In-edges of a partition file, stored as one tensor grouped by source partition.

A file of format ``graphkit-partition-2`` stores its in-edges as one ``[2, E]`` tensor
``edges`` sorted by source partition, and ``edge_offsets``, a ``[P + 1]`` tensor: the
edges from partition ``q`` are the columns ``edge_offsets[q]:edge_offsets[q + 1]``.
``edge_attr``, when present, has one row per column of ``edges``. Format 1 stored one
tensor per source partition instead, so P files contained P**2 tensors, and
``torch.save`` pickles each tensor separately. With 3000 partitions that cost an
estimated 12 to 17 minutes of CPU time (docs/benchmarks.md, "Writing partition files").
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.block import check_edge_index


def unpack_edges(payload: dict) -> dict:
    """Return ``payload`` with ``edges`` and ``edge_attr`` split into per-peer lists.

    Each peer's ``[2, E_q]`` edge tensor and ``[E_q, D]`` feature tensor gets its own
    storage, as :func:`graphkit.distributed.partition_payloads` returned them before
    files were packed. The result has neither ``edge_offsets`` nor ``format``.

    Raises:
        ValueError: ``edges``, ``edge_offsets`` or ``edge_attr`` is missing or does not
            fit the others, so a damaged or hand-made file fails here with a message
            that names the entry.
    """
    sizes = _peer_sizes(payload)
    edges = payload["edges"]
    unpacked = {
        key: value
        for key, value in payload.items()
        if key not in ("format", "edges", "edge_offsets", "edge_attr")
    }
    sources, targets = edges[0].split(sizes), edges[1].split(sizes)
    # torch.stack and clone give each peer's tensor its own storage, so that saving
    # one peer's tensor writes only that peer's edges.
    unpacked["edges"] = [torch.stack(pair) for pair in zip(sources, targets)]
    edge_attr = payload.get("edge_attr")
    if edge_attr is not None:
        unpacked["edge_attr"] = [attrs.clone() for attrs in edge_attr.split(sizes)]
    return unpacked


def _peer_sizes(payload: dict) -> list[int]:
    """Check the packed entries of ``payload`` and count the edges from each peer."""
    for key in ("num_parts", "edges", "edge_offsets"):
        if key not in payload:
            raise ValueError(f"the entry {key!r} is missing")
    edges = payload["edges"]
    try:
        check_edge_index(edges, "edges")
    except (TypeError, ValueError) as error:
        raise ValueError(str(error)) from error

    sizes = _offset_sizes(
        payload["edge_offsets"], int(payload["num_parts"]), edges.size(1)
    )

    edge_attr = payload.get("edge_attr")
    if edge_attr is not None and (
        not isinstance(edge_attr, Tensor)
        or edge_attr.dim() == 0
        or edge_attr.size(0) != edges.size(1)
    ):
        raise ValueError(
            f"edge_attr must be a tensor with one row per edge ({edges.size(1)} rows), "
            f"got {_describe(edge_attr)}"
        )
    return sizes


def _offset_sizes(offsets, num_parts: int, num_edges: int) -> list[int]:
    """Return the differences of ``offsets``, which must run from 0 to ``num_edges``."""
    if not isinstance(offsets, Tensor) or offsets.dim() != 1:
        raise ValueError(f"edge_offsets must be a 1-D tensor, got {_describe(offsets)}")
    dtype = offsets.dtype
    if dtype == torch.bool or dtype.is_floating_point or dtype.is_complex:
        raise ValueError(f"edge_offsets must have an integer dtype, got {dtype}")
    if offsets.numel() != num_parts + 1:
        raise ValueError(
            f"edge_offsets has {offsets.numel()} entries, but {num_parts} partitions "
            f"need {num_parts + 1}"
        )

    first, last = int(offsets[0]), int(offsets[-1])
    if first != 0 or last != num_edges:
        raise ValueError(
            f"edge_offsets runs from {first} to {last}, but it must run from 0 to "
            f"{num_edges}, the number of edges"
        )
    sizes = offsets.diff()
    if sizes.numel() and int(sizes.min()) < 0:
        peer = int((sizes < 0).nonzero()[0])
        raise ValueError(
            f"edge_offsets decreases from {int(offsets[peer])} to "
            f"{int(offsets[peer + 1])} at partition {peer}, but it must not decrease"
        )
    return sizes.tolist()


def _describe(value) -> str:
    if isinstance(value, Tensor):
        return f"shape {list(value.shape)}"
    return type(value).__name__
