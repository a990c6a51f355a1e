"""Attention gathers per-edge values with index_select, not advanced indexing."""

import torch
from torch.testing import assert_close
from torch.utils._python_dispatch import TorchDispatchMode

from graphkit.block import Block
from graphkit.ops.attention import attention_aggregate
from graphkit.ops.plain import plain_attention


class IndexedShapes(TorchDispatchMode):
    """Record the input shape of every advanced-indexing (``aten.index``) call."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[tuple[int, ...]] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if str(func) == "aten.index.Tensor":
            self.shapes.append(tuple(args[0].shape))
        return func(*args, **(kwargs or {}))


def small_block():
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(12, (2, 60), generator=generator)
    return Block.from_edge_index(edge_index, 12, 12)


def test_attention_scores_use_index_select():
    block = small_block()
    value = torch.randn(12, 3, 4, requires_grad=True)
    s_src = torch.randn(12, 3, requires_grad=True)
    s_dst = torch.randn(12, 3, requires_grad=True)
    with IndexedShapes() as log:
        out = attention_aggregate(block, value, s_src, s_dst, 0.2)
        out.backward(torch.randn_like(out))
    assert log.shapes == []


def test_attention_gather_matches_plain():
    block = small_block()
    value = torch.randn(12, 3, 4)
    s_src = torch.randn(12, 3)
    s_dst = torch.randn(12, 3)
    out = attention_aggregate(block, value, s_src, s_dst, 0.2)
    assert_close(out, plain_attention(block, value, s_src, s_dst, 0.2))
