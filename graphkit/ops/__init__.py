"""Aggregation kernels over a :class:`~graphkit.block.Block`.

Each kernel has a fast path (CSR products, segment reductions, chunked attention with
recomputation in backward) and is checked against the plain gather/scatter path in
:mod:`graphkit.ops.plain`.
"""

from graphkit.ops.attention import attention_aggregate
from graphkit.ops.linear import spmm
from graphkit.ops.segment import segment_aggregate

__all__ = ["attention_aggregate", "segment_aggregate", "spmm"]
