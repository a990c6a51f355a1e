"""Checks on the node ranges and per-peer edges that a ShardedGraph is built from.

They run before the first collective operation. A float tensor would otherwise be
truncated by ``.long()``, so edges and ranges would silently name other nodes.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.block import check_edge_index


def check_node_ranges(node_ranges, world_size: int) -> Tensor:
    """Return ``node_ranges`` as a CPU LongTensor after checking it.

    ``node_ranges`` must contain ``world_size + 1`` whole numbers that start at 0 and
    never decrease, because partition ``p`` owns the nodes
    ``[node_ranges[p], node_ranges[p + 1])``. Raises TypeError or ValueError otherwise.
    """
    if not isinstance(node_ranges, Tensor):
        node_ranges = torch.as_tensor(node_ranges)
    dtype = node_ranges.dtype
    if dtype == torch.bool or dtype.is_floating_point or dtype.is_complex:
        raise TypeError(
            f"node_ranges must have an integer dtype, got {dtype}. Pass the first node "
            "id of each partition and the node count as a torch.long tensor, such as "
            "payload['node_ranges'] of graphkit.distributed.partition_payloads"
        )
    if node_ranges.dim() != 1:
        raise ValueError(
            f"node_ranges must be a 1-D tensor of {world_size + 1} node ids, got shape "
            f"{list(node_ranges.shape)}"
        )
    node_ranges = node_ranges.long().cpu()
    if node_ranges.numel() != world_size + 1:
        raise ValueError(
            f"node_ranges describes {node_ranges.numel() - 1} partitions but the "
            f"process group has world size {world_size}"
        )
    if int(node_ranges[0]) != 0:
        raise ValueError(
            f"node_ranges must start at node 0, got {node_ranges.tolist()}. Number the "
            "nodes of the whole graph from 0"
        )
    sizes = node_ranges[1:] - node_ranges[:-1]
    if bool((sizes < 0).any()):
        partition = int((sizes < 0).nonzero()[0, 0])
        raise ValueError(
            f"node_ranges must not decrease, but partition {partition} would own the "
            f"nodes [{int(node_ranges[partition])}, {int(node_ranges[partition + 1])}) "
            f"(node_ranges {node_ranges.tolist()}). Give the start of each partition "
            "in rank order, then the node count"
        )
    return node_ranges


def check_peer_edges(edges, edge_attr, world_size: int) -> None:
    """Raise unless ``edges`` (and ``edge_attr``, if given) have one entry per peer.

    Each entry of ``edges`` must be an integer ``[2, E_p]`` tensor, as
    :func:`graphkit.block.check_edge_index` requires.
    """
    if len(edges) != world_size:
        raise ValueError(f"expected edges from {world_size} peers, got {len(edges)}")
    for peer, peer_edges in enumerate(edges):
        check_edge_index(peer_edges, f"edges[{peer}]")
    if edge_attr is not None and len(edge_attr) != world_size:
        raise ValueError(
            f"expected edge_attr from {world_size} peers, got {len(edge_attr)}. Pass "
            "one [E_p, D] tensor per peer, in the order of edges, or None"
        )


def check_payload_rank(payload: dict, rank: int) -> None:
    """Raise ValueError when ``payload`` is the partition of a rank other than ``rank``.

    The edges of a payload point into its own rank's rows, so another rank's payload
    would build a graph whose edges join the wrong nodes. Partitions of equal size give
    no other error. A payload without a ``rank`` entry (one built by hand) passes.
    """
    owner = payload.get("rank")
    if owner is not None and owner != rank:
        raise ValueError(
            f"rank {rank} was given the payload of partition {owner}. Load partition "
            f"{rank} on rank {rank}, with load_partition(folder, rank, world_size) or "
            "partition_payloads(data, parts, num_parts, ranks=[rank])"
        )
