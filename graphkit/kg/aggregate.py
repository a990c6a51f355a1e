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
* :func:`aggregate_lean` walks the edges in chunks, so the forward pass holds at most
  ``chunk_size x B x d`` messages, and its backward pass recomputes them chunk by chunk
  instead of storing them: memory ``O(V B d)`` plus one chunk rather than ``O(E B d)``.
"""

from __future__ import annotations

import torch
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


def _chunks(num_edges: int, chunk_size: int):
    """Yield ``(start, stop)`` bounds of consecutive edge chunks."""
    for start in range(0, num_edges, chunk_size):
        yield start, min(start + chunk_size, num_edges)


def _gather_product(
    left: Tensor,
    left_index: Tensor,
    right: Tensor,
    right_index: Tensor,
    out: Tensor,
    scratch: Tensor,
) -> Tensor:
    """Write ``left[left_index] * right[right_index]`` into the buffer ``out``.

    Reusing two small buffers avoids allocating (and page-faulting) fresh memory per
    chunk; with chunks of about 1 MiB the gather, product and scatter stay in cache.
    """
    count = left_index.numel()
    product = out[:count]
    torch.index_select(left, 0, left_index, out=product)
    factor = scratch[:count]
    torch.index_select(right, 0, right_index, out=factor)
    return product.mul_(factor)


class _LeanAggregate(torch.autograd.Function):
    """Chunked forward and a backward pass that recomputes messages per chunk."""

    @staticmethod
    def forward(ctx, x, relation, receiver, sender, edge_type, chunk_size):  # type: ignore[override]
        out = torch.zeros_like(x)
        buffer = x.new_empty((chunk_size, *x.shape[1:]))
        scratch = relation.new_empty((chunk_size, *relation.shape[1:]))
        for start, stop in _chunks(receiver.numel(), chunk_size):
            messages = _gather_product(
                x, sender[start:stop], relation, edge_type[start:stop], buffer, scratch
            )
            out.index_add_(0, receiver[start:stop], messages)
        ctx.save_for_backward(x, relation, receiver, sender, edge_type)
        ctx.chunk_size = chunk_size
        return out

    @staticmethod
    def backward(ctx, grad_out):  # type: ignore[override]
        x, relation, receiver, sender, edge_type = ctx.saved_tensors
        need_x, need_relation = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        grad_out = grad_out.contiguous()
        grad_x = torch.zeros_like(x) if need_x else None
        grad_relation = torch.zeros_like(relation) if need_relation else None
        shared = relation.size(1) == 1 and x.size(1) > 1  # one table for all queries
        buffer = x.new_empty((ctx.chunk_size, *x.shape[1:]))
        scratch_relation = relation.new_empty((ctx.chunk_size, *relation.shape[1:]))
        scratch_x = x.new_empty((ctx.chunk_size, *x.shape[1:]))
        for start, stop in _chunks(receiver.numel(), ctx.chunk_size):
            rows, types = receiver[start:stop], edge_type[start:stop]
            senders = sender[start:stop]
            if need_x:
                # d m_u / d x_v = w_k for every edge (u, v, k).
                product = _gather_product(
                    grad_out, rows, relation, types, buffer, scratch_relation
                )
                grad_x.index_add_(0, senders, product)
            if need_relation:
                # d m_u / d w_k = x_v, summed over the queries when the table is shared.
                product = _gather_product(grad_out, rows, x, senders, buffer, scratch_x)
                if shared:
                    product = product.sum(dim=1, keepdim=True)
                grad_relation.index_add_(0, types, product)
        return grad_x, grad_relation, None, None, None, None


def aggregate_lean(
    x: Tensor,
    relation: Tensor,
    edge_index: Tensor,
    edge_type: Tensor,
    chunk_size: int | None = None,
) -> Tensor:
    """Sum DistMult messages into the receivers (row 0), one chunk of edges at a time.

    Same arguments and result as :func:`aggregate_plain`.

    Args:
        chunk_size (int, optional): edges per chunk. Default: as many as fit in
            1 MiB of messages (``2**20 / (4 B d)`` for float32, at least 1), small
            enough to stay in cache.
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
    return _LeanAggregate.apply(
        x.contiguous(), relation, edge_index[0], edge_index[1], edge_type, chunk_size
    )


AGGREGATIONS = {"lean": aggregate_lean, "plain": aggregate_plain}
