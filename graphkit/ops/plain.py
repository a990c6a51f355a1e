"""Reference aggregation by gather and scatter over an explicit edge list.

These functions materialise one message per edge, as PyG's ``MessagePassing`` does. They
are the plain path that the fast kernels are tested against, and the fallback for
``LocalGraph(..., fast=False)``.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from graphkit.block import Block

# torch_geometric.utils is imported inside the functions, because importing PyG added
# about 125 MiB to the resident size of every process here (torch 2.13, PyG 2.8).


def plain_aggregate(
    block: Block, x: Tensor, reduce: str, values: Tensor | None = None
) -> Tensor:
    """``reduce`` over ``values_e * x[src_e]`` per destination (0 where no edges)."""
    from torch_geometric.utils import scatter

    messages = x[block.col]
    if values is not None:
        messages = messages * values.view(-1, *([1] * (x.dim() - 1)))
    return scatter(messages, block.row, 0, dim_size=block.num_dst, reduce=reduce)


def plain_attention(
    block: Block,
    value: Tensor,
    s_src: Tensor,
    s_dst: Tensor,
    negative_slope: float,
    dropout: float = 0.0,
    training: bool = False,
) -> Tensor:
    """GAT attention with an explicit ``[E, H]`` attention tensor (PyG's formulation)."""
    from torch_geometric.utils import scatter, softmax

    src, dst = block.col, block.row
    e = F.leaky_relu(s_src[src] + s_dst[dst], negative_slope)
    alpha = softmax(e, dst, num_nodes=block.num_dst)
    alpha = F.dropout(alpha, p=dropout, training=training)
    return scatter(
        alpha.unsqueeze(-1) * value[src], dst, 0, dim_size=block.num_dst, reduce="sum"
    )


def plain_propagate(
    block: Block,
    message,
    x_src: Tensor,
    x_dst: Tensor,
    reduce: str,
    edge_attr: Tensor | None,
) -> Tensor:
    """Apply ``message(x_j, x_i, edge_attr)`` to every edge and reduce per destination."""
    from torch_geometric.utils import scatter

    messages = message(x_src[block.col], x_dst[block.row], edge_attr)
    return scatter(messages, block.row, 0, dim_size=block.num_dst, reduce=reduce)
