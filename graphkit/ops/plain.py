"""Reference aggregation by gather and scatter over an explicit edge list.

These functions materialise one message per edge, as PyG's ``MessagePassing`` does. They
are the plain path that the fast kernels are tested against, and the fallback for
``LocalGraph(..., fast=False)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from graphkit.block import Block

# torch_geometric.utils is imported inside the functions, because importing PyG added
# about 125 MiB to the resident size of every process here (torch 2.13, PyG 2.8).


def scatter_reduce_rows(src: Tensor, index: Tensor, dim_size: int, reduce: str) -> Tensor:
    """Reduce the rows of ``src`` into ``dim_size`` rows by ``index`` (0 where none).

    For ``max`` and ``min`` the output starts at NaN, not at the zeros that
    ``torch_geometric.utils.scatter`` starts from. The backward pass of
    ``scatter_reduce`` (torch 2.13) counts a start value equal to the result as one more
    tie, even with ``include_self=False``. From zeros, a row whose maximum is exactly 0
    (common after a ReLU) would pass only part of its gradient to its sources, and from
    ``-inf`` so would a row whose maximum is ``-inf``. NaN equals no result, and
    ``include_self=False`` keeps it out of the forward pass.
    """
    from torch_geometric.utils import scatter

    if reduce not in ("max", "min") or not src.is_floating_point():
        return scatter(src, index, 0, dim_size=dim_size, reduce=reduce)
    trailing = [1] * (src.dim() - 1)
    out = src.new_full((dim_size, *src.shape[1:]), float("nan"))
    out = out.scatter_reduce(
        0, index.view(-1, *trailing).expand_as(src), src, "a" + reduce, include_self=False
    )
    # index_fill_ marks the rows with edges without a device sync, which bincount
    # needs on CUDA to size its output.
    has_edges = torch.zeros(dim_size, dtype=torch.bool, device=index.device)
    has_edges.index_fill_(0, index, True)
    return torch.where(has_edges.view(-1, *trailing), out, 0.0)


def plain_aggregate(
    block: Block, x: Tensor, reduce: str, values: Tensor | None = None
) -> Tensor:
    """``reduce`` over ``values_e * x[src_e]`` per destination (0 where no edges)."""
    messages = x[block.col]
    if values is not None:
        messages = messages * values.view(-1, *([1] * (x.dim() - 1)))
    return scatter_reduce_rows(messages, block.row, block.num_dst, reduce)


def plain_attention(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    negative_slope: float,
    dropout: float = 0.0,
    training: bool = False,
) -> Tensor:
    """GAT attention with an explicit ``[E, H]`` attention tensor (PyG's formulation).

    A destination whose in-edge scores are all ``-inf`` gets 0 and zero gradients, as
    on the fast path (see :func:`graphkit.ops.attention.attention_aggregate`), where
    ``torch_geometric.utils.softmax`` (PyG 2.8) would give NaN.
    """
    from torch_geometric.utils import scatter

    src, dst = block.col, block.row
    e = F.leaky_relu(s_src[src] + s_dst[dst], negative_slope)
    alpha = _edge_softmax(e, dst, block.num_dst)
    alpha = F.dropout(alpha, p=dropout, training=training)
    return scatter(
        alpha.unsqueeze(-1) * value[src], dst, 0, dim_size=block.num_dst, reduce="sum"
    )


def _edge_softmax(e: Tensor, dst: Tensor, num_dst: int) -> Tensor:
    """Compute the softmax of ``e`` per destination, 0 where all its scores are ``-inf``.

    The shift by the maximum is detached, which leaves the value and the gradient
    unchanged because softmax is invariant to shifts. A destination whose maximum is
    ``-inf`` is shifted by 0 instead, so its weights are ``exp(-inf) = 0`` and their sum
    is 0 in place of ``-inf - (-inf) = NaN``.
    """
    maximum = scatter_reduce_rows(e.detach(), dst, num_dst, "max")
    maximum = torch.where(maximum == float("-inf"), 0.0, maximum)
    weight = torch.exp(e - maximum[dst])
    total = torch.zeros_like(maximum).index_add_(0, dst, weight)
    return weight / torch.where(total > 0, total, 1.0)[dst]


def plain_propagate(
    block: Block,
    message,
    x_src: Tensor,
    x_dst: Tensor,
    reduce: str,
    edge_attr: Tensor | None,
) -> Tensor:
    """Apply ``message(x_j, x_i, edge_attr)`` to every edge and reduce per destination."""
    messages = message(x_src[block.col], x_dst[block.row], edge_attr)
    check_messages(messages, block.num_edges)
    return scatter_reduce_rows(messages, block.row, block.num_dst, reduce)


def check_messages(messages, num_edges: int) -> None:
    """Raise ValueError unless a message function returned one row per edge."""
    if isinstance(messages, Tensor) and messages.dim() > 0 and len(messages) == num_edges:
        return
    if isinstance(messages, Tensor):
        found = f"a tensor of shape {list(messages.shape)}"
    else:
        found = f"a {type(messages).__name__}"
    raise ValueError(
        f"the message function returned {found}, but propagate needs one message per "
        f"edge: a tensor of shape [{num_edges}, ...] for these {num_edges} edges. "
        "Compute each row from the same rows of x_j, x_i and edge_attr"
    )
