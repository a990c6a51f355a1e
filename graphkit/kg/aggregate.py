"""Sum aggregation of DistMult messages over a multi-relational graph.

For a batch of ``B`` queries with node states :math:`x \\in \\mathbb{R}^{V \\times B
\\times d}` and per-query relation vectors :math:`w \\in \\mathbb{R}^{K \\times B \\times
d}`, every stored edge ``(u, v)`` of type ``k`` sends :math:`x_v \\odot w_k` to ``u``:

.. math::
    m_u = \\sum_{(u, v, k) \\in \\mathcal{E}} x_v \\odot w_k .

The receiver is row 0 of ``edge_index`` and the sender row 1. This is the orientation of
ULTRA's fused ``rspmm`` kernel, which the released checkpoints were trained with, and the
reverse of PyG's default source-to-target flow.

Two paths compute the same sum:

* :func:`aggregate_plain` gathers all ``E x B x d`` messages, then ``index_add_``; autograd
  keeps the messages for the backward pass.
* :func:`aggregate_lean` groups the edges by (receiver, type) pair once per graph. For
  the ``P`` pairs it sums the sender states of each pair with ``embedding_bag``, then
  multiplies each pair sum by its relation vector and adds it into the receiver:

  .. math::
      m_u = \\sum_k w_k \\odot \\sum_{(u, v, k) \\in \\mathcal{E}} x_v .

  The relation vectors are thus gathered and multiplied ``P`` times rather than ``E``
  times. The pairs are walked in chunks, so the forward pass keeps at most
  ``chunk_size x B x d`` pair sums. Its backward pass stores none of them either. It
  sums the output gradients over the (sender, type) pairs chunk by chunk, and each
  chunk gives its share of the gradients of both ``x`` and the relation vectors.
  Memory is ``O(V B d)`` plus one chunk rather than ``O(E B d)``.

The lean path adds the same terms in another order (pair sums first, receivers' pairs in
type order), so it agrees with the plain path to float round-off, not bit for bit.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

DEFAULT_CHUNK_BYTES = 2**20


def aggregate_plain(
    x: Tensor, relation: Tensor, edge_index: Tensor, edge_type: Tensor
) -> Tensor:
    """Sum DistMult messages into the receivers (row 0), materialising all messages.

    Args:
        x (Tensor): node states, shape ``(V, B, d)``.
        relation (Tensor): relation vectors, shape ``(K, B, d)`` or ``(K, 1, d)`` when
            all queries share them.
        edge_index (LongTensor): ``(2, E)``, row 0 receiver, row 1 sender.
        edge_type (LongTensor): ``(E,)`` in ``[0, K)``.

    Returns:
        Tensor: aggregated messages, shape ``(V, B, d)``.
    """
    messages = x.index_select(0, edge_index[1]) * relation.index_select(0, edge_type)
    return torch.zeros_like(x).index_add_(0, edge_index[0], messages)


def _chunks(num_items: int, chunk_size: int):
    """Yield ``(start, stop)`` bounds of consecutive chunks."""
    for start in range(0, num_items, chunk_size):
        yield start, min(start + chunk_size, num_items)


class _Pairs(NamedTuple):
    """Edges grouped by (row, type): the pairs ``(rows[p], types[p])`` in row-major
    order, and the other endpoints of pair ``p``'s edges in
    ``members[offsets[p]:offsets[p + 1]]``, in the order given to :func:`_group`."""

    members: Tensor
    offsets: Tensor
    rows: Tensor
    types: Tensor
    # A CPU copy of offsets. The chunk loops read chunk bounds from it, so they do not
    # wait for the GPU once per chunk.
    host_offsets: Tensor


def _group(rows: Tensor, members: Tensor, edge_type: Tensor) -> _Pairs:
    """Group the edges ``(rows[e], members[e])`` of type ``edge_type[e]`` into pairs."""
    # Two stable sorts order by (row, type) and keep edge order inside a pair. One
    # combined key row * K + type could overflow int64.
    order = torch.argsort(edge_type, stable=True)
    order = order[torch.argsort(rows[order], stable=True)]
    rows, types, members = rows[order], edge_type[order], members[order]
    starts = torch.ones(rows.numel(), dtype=torch.bool, device=rows.device)
    starts[1:] = (rows[1:] != rows[:-1]) | (types[1:] != types[:-1])
    first = starts.nonzero().squeeze(1)
    offsets = torch.cat([first, first.new_tensor([rows.numel()])])
    return _Pairs(members, offsets, rows[first], types[first], offsets.cpu())


class _EdgeGroups:
    """The (receiver, type) pairs of a graph, and its (sender, type) pairs on demand.

    Both groupings are new tensors, not views of the edge tensors, so the cache below
    does not keep the graph alive.
    """

    def __init__(self, receiver: Tensor, sender: Tensor, edge_type: Tensor) -> None:
        self.by_receiver = _group(receiver, sender, edge_type)
        self._by_sender: _Pairs | None = None

    @property
    def by_sender(self) -> _Pairs:
        if self._by_sender is None:
            pairs = self.by_receiver
            counts = pairs.offsets.diff()
            self._by_sender = _group(
                pairs.members,
                pairs.rows.repeat_interleave(counts),
                pairs.types.repeat_interleave(counts),
            )
        return self._by_sender


def version_counter(tensor: Tensor) -> int | None:
    """Return the in-place edit counter of ``tensor``, or None for an inference tensor.

    Tensors created under ``torch.inference_mode()`` track no version, and reading
    ``_version`` raises a RuntimeError for them.
    """
    return None if tensor.is_inference() else tensor._version


_GROUPS_CACHE: OrderedDict = OrderedDict()
_GROUPS_CACHE_SIZE = 4


def edge_groups(edge_index: Tensor, edge_type: Tensor) -> _EdgeGroups:
    """Return the pair grouping of ``(edge_index, edge_type)``, cached per tensor pair.

    Every layer of a forward pass aggregates over the same graph, so the grouping (two
    sorts of the edges) is built once. The cache keeps the last few graphs. It stores
    only weak references to the tensors and drops an entry when its ``edge_index`` or
    ``edge_type`` is freed, so a grouping never outlives its graph and a freed tensor's
    id is never matched. An in-place edit is noticed through the version counters.

    NOTE: an inference tensor (created under ``torch.inference_mode()``) has no version
    counter, so an in-place edit of one inside inference mode goes unnoticed.
    """
    key = (id(edge_index), id(edge_type))
    versions = (version_counter(edge_index), version_counter(edge_type))
    hit = _GROUPS_CACHE.get(key)
    if (
        hit is not None
        and hit[0]() is edge_index
        and hit[1]() is edge_type
        and hit[2] == versions
    ):
        _GROUPS_CACHE.move_to_end(key)
        return hit[3]

    def forget(_reference, key=key):
        _GROUPS_CACHE.pop(key, None)

    # The cache is keyed by tensor identity, so a grouping first made for a prediction
    # also serves a later training step. Building it outside inference mode lets
    # autograd use it there.
    with torch.inference_mode(False):
        groups = _EdgeGroups(edge_index[0], edge_index[1], edge_type)
    _GROUPS_CACHE[key] = (
        weakref.ref(edge_index, forget),
        weakref.ref(edge_type, forget),
        versions,
        groups,
    )
    _GROUPS_CACHE.move_to_end(key)
    while len(_GROUPS_CACHE) > _GROUPS_CACHE_SIZE:
        _GROUPS_CACHE.popitem(last=False)
    return groups


def _pair_sums(table: Tensor, pairs: _Pairs, start: int, stop: int) -> Tensor:
    """Sum the ``table`` rows ``(N, ...)`` of each pair in ``start:stop``;
    returns ``(stop - start, ...)``, summed in ``members`` order within a pair."""
    first, last = int(pairs.host_offsets[start]), int(pairs.host_offsets[stop])
    # Detached, so that embedding_bag takes its cheaper forward-only path (it would
    # otherwise prepare its own backward for a table that requires grad).
    flat = table.detach().reshape(table.size(0), -1)
    sums = F.embedding_bag(
        pairs.members[first:last],
        flat,
        pairs.offsets[start:stop] - first,
        mode="sum",
    )
    return sums.view(stop - start, *table.shape[1:])


class _LeanAggregate(torch.autograd.Function):
    """Pair-grouped forward and a backward pass that recomputes pair sums per chunk."""

    @staticmethod
    def forward(ctx, x, relation, groups, chunk_size):  # type: ignore[override]
        out = torch.zeros_like(x)
        pairs = groups.by_receiver
        for start, stop in _chunks(pairs.rows.numel(), chunk_size):
            sums = _pair_sums(x, pairs, start, stop)
            sums.mul_(relation.index_select(0, pairs.types[start:stop]))
            out.index_add_(0, pairs.rows[start:stop], sums)
        ctx.save_for_backward(x, relation)
        ctx.groups = groups
        ctx.chunk_size = chunk_size
        return out

    @staticmethod
    def backward(ctx, grad_out):  # type: ignore[override]
        x, relation = ctx.saved_tensors
        groups, chunk_size = ctx.groups, ctx.chunk_size
        need_x, need_relation = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        grad_out = grad_out.contiguous()
        grad_x = torch.zeros_like(x) if need_x else None
        grad_relation = torch.zeros_like(relation) if need_relation else None
        shared = relation.size(1) == 1 and x.size(1) > 1  # one table for all queries
        # One pass serves both gradients. With S_vk the sum of g_u over the edges
        # (u, v, k), d/d x_v = sum_k w_k * S_vk and d/d w_k = sum_v x_v * S_vk. A shared
        # table also sums d/d w_k over the queries.
        pairs = groups.by_sender
        for start, stop in _chunks(pairs.rows.numel(), chunk_size):
            sums = _pair_sums(grad_out, pairs, start, stop)
            rows, types = pairs.rows[start:stop], pairs.types[start:stop]
            if need_relation:
                product = x.index_select(0, rows).mul_(sums)
                if shared:
                    product = product.sum(dim=1, keepdim=True)
                grad_relation.index_add_(0, types, product)
            if need_x:
                sums.mul_(relation.index_select(0, types))
                grad_x.index_add_(0, rows, sums)
        return grad_x, grad_relation, None, None


def aggregate_lean(
    x: Tensor,
    relation: Tensor,
    edge_index: Tensor,
    edge_type: Tensor,
    chunk_size: int | None = None,
) -> Tensor:
    """Sum DistMult messages into the receivers (row 0), one chunk of pairs at a time.

    Same arguments as :func:`aggregate_plain`, and the same result up to float
    round-off (the terms are added in another order).

    Args:
        chunk_size (int, optional): (receiver, type) pairs per chunk. Default: as many
            as fit in 1 MiB of pair sums (``2**20 / (4 B d)`` for float32, at least 1),
            small enough to stay in cache.
    """
    if chunk_size is None:
        row_bytes = x.size(1) * x.size(2) * x.element_size()
        chunk_size = max(1, DEFAULT_CHUNK_BYTES // max(row_bytes, 1))
    if relation.size(1) not in (1, x.size(1)):
        raise ValueError(
            f"relation has batch size {relation.size(1)}, expected 1 or the "
            f"batch size of x ({x.size(1)})"
        )
    relation = relation.contiguous()
    groups = edge_groups(edge_index, edge_type)
    return _LeanAggregate.apply(x.contiguous(), relation, groups, chunk_size)


AGGREGATIONS = {"lean": aggregate_lean, "plain": aggregate_plain}
