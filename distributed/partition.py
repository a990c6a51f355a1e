"""Node partitioning (METIS or random) and the per-partition payload of a graph.

A partition vector ``parts[v]`` assigns each node to one of ``N`` partitions. Nodes are
then renumbered so partition ``p`` owns the contiguous range
``[node_ranges[p], node_ranges[p + 1])``, keeping the original order inside a
partition. Partition ``p`` stores its nodes' features, labels and masks, and every edge
whose destination it owns, grouped by the partition that owns the source.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from graphkit.block import check_edge_index
from graphkit.graph import edges_of_data
from graphkit.seeds import seeded_generator
from graphkit.whole_numbers import WrongTypeError, as_whole_number

from .balance import balance_training_nodes, fill_empty_partitions
from .metis_process import part_graph_in_child
from .packed_edges import unpack_edges

logger = logging.getLogger(__name__)

METHODS = ("metis", "random")
NODE_FIELDS = ("x", "y", "train_mask", "val_mask", "test_mask")
# Format 2 packs the in-edges into one tensor with offsets (see packed_edges.py).
PAYLOAD_FORMAT = "graphkit-partition-2"
# Format 1 stored one edge tensor per peer. load_partition still reads it.
PER_PEER_FORMAT = "graphkit-partition-1"


def random_parts(num_nodes: int, num_parts: int, seed: int = 0) -> Tensor:
    """Assign nodes to partitions uniformly at random, with sizes differing by at most 1."""
    generator = seeded_generator(seed)
    parts = torch.empty(num_nodes, dtype=torch.long)
    parts[torch.randperm(num_nodes, generator=generator)] = (
        torch.arange(num_nodes) % num_parts
    )
    return parts


def _symmetric_csr(edge_index: Tensor, num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays of the undirected simple graph (no loops, no duplicates) for METIS."""
    import scipy.sparse as sp

    # scipy reads numpy arrays, which hold no GPU data.
    src = edge_index[0].cpu().numpy()
    dst = edge_index[1].cpu().numpy()
    keep = src != dst
    src, dst = src[keep], dst[keep]
    # Booleans, because small integer counts wrap: 256 duplicates sum to 0 in int8,
    # and scipy drops the zero entries of a sum, which would lose the edge.
    ones = np.ones(src.size, dtype=bool)
    adjacency = sp.coo_matrix((ones, (src, dst)), shape=(num_nodes, num_nodes)).tocsr()
    del ones, src, dst
    adjacency = (adjacency + adjacency.T).tocsr()
    adjacency.sum_duplicates()
    return adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64)


def metis_parts(
    edge_index: Tensor,
    num_nodes: int,
    num_parts: int,
    train_mask: Tensor | None = None,
    seed: int = 0,
    train_tol: float = 0.03,
) -> Tensor:
    """Partition with METIS (``pymetis``), minimising the edge cut.

    Partitions are balanced by node count, and partitions that METIS leaves empty are
    filled from the largest ones (``balance.fill_empty_partitions``). When
    ``train_mask`` is given, swaps then spread the training nodes as well
    (``balance.balance_training_nodes``), so both counts are balanced within
    ``train_tol``.
    """
    # Imported first, so that a missing pymetis fails before the CSR arrays are built.
    import pymetis  # noqa: F401

    if num_parts == 1:
        return torch.zeros(num_nodes, dtype=torch.long)
    xadj, adjncy = _symmetric_csr(edge_index, num_nodes)
    # pymetis passes METIS one weight per vertex (ncon = 1), so METIS balances nodes
    # and the training nodes are spread afterwards by count-preserving swaps.
    membership = part_graph_in_child(num_parts, xadj, adjncy, _metis_seed(seed))
    empty = int((np.bincount(membership, minlength=num_parts) == 0).sum())
    if empty:
        logger.warning(
            "METIS left %d of %d partitions empty, so nodes are moved into them to "
            "balance node counts. Use fewer partitions for a better edge cut",
            empty,
            num_parts,
        )
        membership = fill_empty_partitions(xadj, adjncy, membership, num_parts)
    if train_mask is not None:
        train = _any_split(train_mask).cpu().numpy()
        membership = balance_training_nodes(
            xadj, adjncy, membership, train, num_parts, train_tol
        )
    return torch.as_tensor(membership, dtype=torch.long)


def _metis_seed(seed: int) -> int:
    """Map ``seed`` to a METIS seed in ``[1, 2**31 - 1]``, one-to-one below ``2**31 - 1``.

    The METIS in pymetis (GKlib built without ``USE_GKRAND``) passes its seed to the
    C library's ``srand`` as an unsigned 32-bit int, and glibc's ``srand`` treats 0 as
    1. Passed unchanged, seeds 0 and 1 (and seeds ``2**32`` apart) gave the same
    partition with pymetis 2025.2.2 on glibc. Seed 0 maps to 1 and so keeps its
    partition. The range also fits a METIS built with 32-bit ``idx_t``.
    """
    return seed % (2**31 - 1) + 1


def _any_split(mask: Tensor) -> Tensor:
    """A ``[N]`` mask from a ``[N]`` or ``[N, splits]`` mask (a node in any split)."""
    return mask.bool().reshape(mask.size(0), -1).any(1)


def check_count(value, name: str) -> None:
    """Raise WrongTypeError unless ``value`` is a whole number (see ``as_whole_number``).

    Python and NumPy integers pass, and so does a one-element integer tensor, as a PyG
    ``Data`` may store its ``num_nodes``. A float count fails deep inside torch, and
    ``True`` would count as 1, so both raise.
    """
    if as_whole_number(value) is None:
        raise WrongTypeError(
            f"{name} must be an int, got {value!r} of type {type(value).__name__}. "
            f"Pass a whole number, such as int({name})"
        )


def check_graph(edge_index: Tensor, num_nodes: int) -> None:
    """Raise unless ``edge_index`` is an integer ``[2, E]`` tensor of ids in ``[0, num_nodes)``.

    Partitioning indexes node vectors with the ids. A negative id would silently name a
    node counted from the end, and an id of ``num_nodes`` or more fails deep inside
    scipy or torch with a message that names neither the graph nor the fix.
    """
    check_edge_index(edge_index)
    check_count(num_nodes, "num_nodes")
    if num_nodes < 0:
        raise ValueError(f"num_nodes must be non-negative, got {num_nodes}")
    if edge_index.numel():
        low, high = int(edge_index.min()), int(edge_index.max())
        if low < 0 or high >= num_nodes:
            raise ValueError(
                f"edge_index contains node id {low if low < 0 else high}, but node ids "
                f"must lie in [0, {num_nodes}) for a graph of {num_nodes} nodes. Remove "
                "or renumber those edges, or pass the true number of nodes"
            )


def partition_nodes(
    edge_index: Tensor,
    num_nodes: int,
    num_parts: int,
    method: str = "metis",
    train_mask: Tensor | None = None,
    seed: int = 0,
) -> Tensor:
    """Return ``[num_nodes]`` partition ids in ``[0, num_parts)``.

    Args:
        method (str): ``"metis"`` or ``"random"``. (default: ``"metis"``)
        train_mask (Tensor, optional): also balance training nodes (METIS only).
        seed (int): seed of METIS or of the random assignment. (default: ``0``)
    """
    if method not in METHODS:
        raise ValueError(f"partition method must be one of {METHODS}, got {method!r}")
    check_graph(edge_index, num_nodes)
    check_count(num_parts, "num_parts")
    if num_parts < 1:
        raise ValueError(f"number of partitions must be at least 1, got {num_parts}")
    if train_mask is not None and (
        not isinstance(train_mask, Tensor)
        or train_mask.dim() not in (1, 2)
        or train_mask.size(0) != num_nodes
    ):
        got = (f"shape {list(train_mask.shape)}" if isinstance(train_mask, Tensor)
               else type(train_mask).__name__)
        raise ValueError(
            f"train_mask must be a mask of shape [{num_nodes}] (or [{num_nodes}, "
            f"splits]) for the {num_nodes} nodes, got {got}. Convert node ids with "
            f"torch_geometric.utils.index_to_mask(train_mask, size={num_nodes})"
        )
    if num_parts > max(num_nodes, 1):
        raise ValueError(
            f"cannot split {_counted(num_nodes, 'node')} into "
            f"{_counted(num_parts, 'partition')}, because each partition needs a node. "
            f"Use at most {_counted(max(num_nodes, 1), 'partition')} "
            "(graphkit partition --parts, or the number of processes)"
        )
    if method == "random":
        return random_parts(num_nodes, num_parts, seed)
    return metis_parts(edge_index, num_nodes, num_parts, train_mask, seed)


def _counted(count: int, noun: str) -> str:
    """Return ``count`` followed by ``noun``, in the plural unless ``count`` is 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class Relabel:
    """The contiguous renumbering of a partition vector.

    Attributes:
        order (LongTensor): ``[N]`` original id of each new id.
        new_id (LongTensor): ``[N]`` new id of each original id.
        node_ranges (LongTensor): ``[P + 1]`` start of each partition's range.
    """

    order: Tensor
    new_id: Tensor
    node_ranges: Tensor


def check_parts(parts: Tensor, num_parts: int, num_nodes: int | None = None) -> None:
    """Validate that ``parts`` is an integer ``[num_nodes]`` vector of ids in ``[0, num_parts)``.

    Raises TypeError or ValueError otherwise. A vector of the wrong length, or with ids
    out of range, would silently drop nodes from every partition, or drop node fields
    whose row count no longer matches.
    """
    if not isinstance(parts, Tensor) or parts.dim() != 1:
        kind = type(parts).__name__
        got = f"shape {list(parts.shape)}" if isinstance(parts, Tensor) else kind
        raise TypeError(
            f"parts must be a 1-D torch.Tensor, got {got}. Pass one partition id per "
            "node, e.g. torch.as_tensor(parts)"
        )
    if parts.dtype == torch.bool or parts.is_floating_point() or parts.is_complex():
        raise TypeError(
            f"parts must have an integer dtype, got {parts.dtype}. Convert it with "
            "parts.long()"
        )
    check_count(num_parts, "num_parts")
    if num_parts < 1:
        raise ValueError(f"num_parts must be at least 1, got {num_parts}")
    if num_nodes is not None and parts.numel() != num_nodes:
        raise ValueError(
            f"parts has {parts.numel()} entries but the graph has {num_nodes} nodes. "
            "Pass one partition id per node"
        )
    if parts.numel():
        low, high = int(parts.min()), int(parts.max())
        bad = low if low < 0 else high
        if low < 0 or high >= num_parts:
            raise ValueError(
                f"partition ids in parts must lie in [0, {num_parts}), found {bad}. "
                "Number the partitions from 0 or increase num_parts"
            )


def relabel(parts: Tensor, num_parts: int) -> Relabel:
    """Number nodes partition by partition, keeping the original order inside each."""
    check_parts(parts, num_parts)
    parts = parts.long()
    order = torch.argsort(parts, stable=True)
    new_id = torch.empty_like(order)
    new_id[order] = torch.arange(order.numel())
    node_ranges = torch.zeros(num_parts + 1, dtype=torch.long)
    torch.cumsum(torch.bincount(parts, minlength=num_parts), 0, out=node_ranges[1:])
    return Relabel(order, new_id, node_ranges)


EDGE_WEIGHT_DROPPED = (
    "data.edge_weight is ignored: ShardedGraph aggregates every edge with weight 1 "
    "(GCN and mean use degree normalisation only). Pass the weights as "
    "data.edge_attr and use a message function to weight edges"
)


def partition_payloads(
    data, parts: Tensor, num_parts: int, ranks=None, packed: bool = False
):
    """Yield ``(rank, payload)`` for each partition (or only for ``ranks``).

    The payload is a dict of tensors and plain values (loadable with
    ``torch.load(weights_only=True)``):

    * ``rank``, ``num_parts``, ``node_ranges`` ``[P + 1]``, ``global_ids`` (original ids
      of the owned nodes);
    * ``x``, ``y``, ``train_mask``, ``val_mask``, ``test_mask``: rows of the owned nodes,
      for the fields ``data`` has;
    * ``edges``: per source partition ``q``, ``[2, E_q]`` edges ``(src, dst)`` with ``src``
      in the new global numbering and ``dst`` a local row; ``edge_attr`` likewise when
      ``data`` has edge features. ``data.edge_weight`` is not carried (a warning says so).

    With ``packed=True`` the payload is the content of a partition file instead: it
    adds ``format`` (``PAYLOAD_FORMAT``), ``edges`` is one ``[2, E]`` tensor sorted by
    source partition, ``edge_offsets`` ``[P + 1]`` marks where each source
    partition's edges start, and ``edge_attr`` is one ``[E, D]`` tensor
    (:mod:`graphkit.distributed.packed_edges`). This avoids ``P`` small tensors per
    payload.

    Without ``data.edge_index`` the edges come from ``data.adj_t``, the transposed
    sparse adjacency of PyG's ``ToSparseTensor``, as in ``LocalGraph.from_data``.
    """
    edge_index, weights = edges_of_data(data)
    if edge_index is None:
        raise ValueError(
            "data.edge_index is missing, and so is data.adj_t. Set edge_index to a "
            "[2, E] tensor of (source, target) ids, or to "
            "torch.empty(2, 0, dtype=torch.long) for no edges"
        )
    check_graph(edge_index, data.num_nodes)
    check_parts(parts, num_parts, data.num_nodes)
    _check_row_counts(data, edge_index.size(1))
    parts = parts.long()
    # Read once into a list of ints, because the loop below reads the ranks again.
    requested = range(num_parts) if ranks is None else list(ranks)
    ranks = []
    for rank in requested:
        # Entries of a tensor such as torch.arange(2) are read as ints.
        whole = as_whole_number(rank)
        # A negative rank would index node_ranges from the end and yield a payload
        # without nodes.
        message = f"ranks must contain partition ids in [0, {num_parts}), got {rank!r}"
        if whole is None:
            raise WrongTypeError(message)
        if not 0 <= whole < num_parts:
            raise ValueError(message)
        ranks.append(whole)
    relabeled = relabel(parts, num_parts)
    dst_part, src_part = parts[edge_index[1]], parts[edge_index[0]]
    # One stable sort groups edges by destination partition, then source partition.
    perm = torch.argsort(dst_part * num_parts + src_part, stable=True)
    counts = torch.bincount(
        dst_part * num_parts + src_part, minlength=num_parts * num_parts
    )
    offsets = torch.zeros(counts.numel() + 1, dtype=torch.long)
    torch.cumsum(counts, 0, out=offsets[1:])
    edge_attr = getattr(data, "edge_attr", None)
    if weights is not None:
        logger.warning(EDGE_WEIGHT_DROPPED)
    for rank in ranks:
        lo, hi = int(relabeled.node_ranges[rank]), int(relabeled.node_ranges[rank + 1])
        own = relabeled.order[lo:hi]
        payload = {
            "format": PAYLOAD_FORMAT,
            "rank": rank,
            "num_parts": num_parts,
            "node_ranges": relabeled.node_ranges.clone(),
            "global_ids": own.clone(),
        }
        for name in NODE_FIELDS:
            value = getattr(data, name, None)
            if (
                isinstance(value, Tensor)
                and value.dim() > 0
                and value.size(0) == parts.numel()
            ):
                payload[name] = value[own].clone()
        # The rank's in-edges are one run of perm, grouped by source partition, so
        # they are renumbered at once, without a pass per peer.
        first = rank * num_parts
        block = perm[offsets[first] : offsets[first + num_parts]]
        payload["edges"] = torch.stack(
            [
                relabeled.new_id[edge_index[0, block]],
                relabeled.new_id[edge_index[1, block]] - lo,
            ]
        )
        payload["edge_offsets"] = offsets[first : first + num_parts + 1] - offsets[first]
        if edge_attr is not None:
            payload["edge_attr"] = edge_attr[block]
        yield rank, payload if packed else unpack_edges(payload)


def _check_row_counts(data, num_edges: int) -> None:
    """Raise unless node fields have one row per node and ``edge_attr`` one per edge.

    A node field of another length would otherwise be left out of every partition
    file, so training would fail later without naming the field.
    """
    expected = {name: data.num_nodes for name in NODE_FIELDS}
    expected["edge_attr"] = num_edges
    for name, rows in expected.items():
        value = getattr(data, name, None)
        if isinstance(value, Tensor) and value.dim() > 0 and value.size(0) != rows:
            unit = "edge" if name == "edge_attr" else "node"
            raise ValueError(
                f"data.{name} has {value.size(0)} rows, but the graph has {rows} "
                f"{unit}s. Give data.{name} one row per {unit}, or set data.num_nodes "
                "to the number of nodes"
            )


def partition_summary(edge_index: Tensor, parts: Tensor, num_parts: int) -> dict:
    """Edge cut and halo sizes of a partitioning.

    Returns ``edge_cut`` (edges whose endpoints lie in different partitions),
    ``halo_sizes`` (per partition, distinct remote sources of its in-edges) and
    ``part_sizes`` (nodes per partition). ``parts`` must contain one partition id in
    ``[0, num_parts)`` per node, and ``edge_index`` ids in ``[0, parts.numel())``.
    """
    check_parts(parts, num_parts)
    check_edge_index(edge_index)
    if edge_index.numel():
        low, high = int(edge_index.min()), int(edge_index.max())
        if low < 0 or high >= parts.numel():
            raise ValueError(
                f"edge_index contains node id {low if low < 0 else high}, but parts has "
                f"{parts.numel()} entries, so node ids must lie in [0, {parts.numel()}). "
                "Pass one partition id per node of the graph"
            )
    src, dst = edge_index[0], edge_index[1]
    dst_part = parts[dst].long()
    cut = parts[src] != dst_part
    # One unique over (destination partition, source) keys counts every partition's
    # distinct remote sources, rather than one pass over the edges per partition.
    keys = torch.unique(dst_part[cut] * parts.numel() + src[cut])
    halo_sizes = torch.bincount(keys // parts.numel(), minlength=num_parts)
    return {
        "edge_cut": int(cut.sum()),
        "halo_sizes": halo_sizes.tolist(),
        "part_sizes": torch.bincount(parts, minlength=num_parts).tolist(),
    }
