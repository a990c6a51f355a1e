"""Fast aggregation kernels equal the plain gather/scatter path, with exact gradients."""

import pytest
import torch
from torch.autograd import gradcheck
from torch.testing import assert_close
from torch_geometric.utils import scatter, softmax

from graphkit.block import Block
from graphkit.graph import LocalGraph
from graphkit.ops import chunks
from graphkit.ops.attention import (
    AttentionDropout,
    attention_aggregate,
    block_backward,
    block_max,
    block_sum,
    block_weighted,
)
from graphkit.ops.linear import spmm
from graphkit.ops.plain import plain_aggregate, plain_attention
from graphkit.ops.segment import segment_aggregate


def messy_block(seed=0, n_src=40, n_dst=30, e=200):
    """Random bipartite block with duplicate edges, self-loops and isolated nodes."""
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(0, n_src - 2, (e,), generator=g)  # last two sources unused
    dst = torch.randint(0, n_dst - 3, (e,), generator=g)  # last three rows empty
    src = torch.cat([src, src[:10], torch.arange(5)])  # duplicates and (i, i) loops
    dst = torch.cat([dst, dst[:10], torch.arange(5)])
    return Block.from_edge_index(torch.stack([src, dst]), n_src, n_dst)


@pytest.fixture(params=[False, True], ids=["one-chunk", "many-chunks"])
def chunked(request, monkeypatch):
    # A tiny element budget forces many chunks, exercising the chunk boundaries.
    if request.param:
        monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 64)
    return request.param


def test_spmm_matches_plain(chunked):
    block = messy_block()
    x = torch.randn(block.num_src, 6, requires_grad=True)
    values = torch.rand(block.num_edges)
    out = spmm(block, x, values, key="test")
    expected = plain_aggregate(block, x, "sum", values)
    assert_close(out, expected)
    grad = torch.randn_like(out)
    assert_close(torch.autograd.grad(out, x, grad)[0], torch.autograd.grad(expected, x, grad)[0])


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_segment_matches_plain(reduce, chunked):
    block = messy_block(1)
    x = torch.randn(block.num_src, 5, requires_grad=True)
    out = segment_aggregate(block, x, reduce)
    expected = plain_aggregate(block, x, reduce)
    assert_close(out, expected)
    grad = torch.randn_like(out)
    assert_close(torch.autograd.grad(out, x, grad)[0], torch.autograd.grad(expected, x, grad)[0])


def test_segment_ties_split_like_scatter_reduce():
    # Two distinct sources with equal values feed node 0: each gets half the gradient.
    block = Block.from_edge_index(torch.tensor([[0, 1], [0, 0]]), 2, 1)
    x = torch.tensor([[1.0], [1.0]], requires_grad=True)
    segment_aggregate(block, x, "max").sum().backward()
    assert_close(x.grad, torch.tensor([[0.5], [0.5]]))


def test_attention_matches_plain(chunked):
    block = messy_block(2)
    value = torch.randn(block.num_src, 3, 4, requires_grad=True)
    s_src = torch.randn(block.num_src, 3, requires_grad=True)
    s_dst = torch.randn(block.num_dst, 3, requires_grad=True)
    out = attention_aggregate(block, value, s_src, s_dst, 0.2)
    expected = plain_attention(block, value, s_src, s_dst, 0.2)
    assert_close(out, expected)
    grad = torch.randn_like(out)
    got = torch.autograd.grad(out, [value, s_src, s_dst], grad)
    want = torch.autograd.grad(expected, [value, s_src, s_dst], grad)
    for a, b in zip(got, want):
        assert_close(a, b)


def test_gradcheck_float64(chunked):
    block = messy_block(3, n_src=8, n_dst=7, e=20)
    x = torch.randn(block.num_src, 3, dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda t: spmm(block, t, torch.rand(block.num_edges, generator=torch.Generator().manual_seed(0)), key="gc"), (x,))
    assert gradcheck(lambda t: segment_aggregate(block, t, "max"), (x,))
    value = torch.randn(block.num_src, 2, 3, dtype=torch.float64, requires_grad=True)
    s_src = torch.randn(block.num_src, 2, dtype=torch.float64, requires_grad=True)
    s_dst = torch.randn(block.num_dst, 2, dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda v, a, b: attention_aggregate(block, v, a, b, 0.2), (value, s_src, s_dst))


def test_attention_dropout_gradcheck():
    block = messy_block(4, n_src=8, n_dst=7, e=20)
    dropout = AttentionDropout(0.3, seed=5)
    value = torch.randn(block.num_src, 2, 3, dtype=torch.float64, requires_grad=True)
    s_src = torch.randn(block.num_src, 2, dtype=torch.float64, requires_grad=True)
    s_dst = torch.randn(block.num_dst, 2, dtype=torch.float64, requires_grad=True)
    fn = lambda v, a, b: attention_aggregate(block, v, a, b, 0.2, dropout)  # noqa: E731
    assert gradcheck(fn, (value, s_src, s_dst))
    # The mask is regenerated from the seed: two calls give the same output.
    out = fn(value, s_src, s_dst)
    assert_close(out, fn(value, s_src, s_dst))
    # The block fits one chunk, so its [E, H] mask is chunk 0's, in block edge order.
    src, dst = block.col, block.row
    logits = torch.nn.functional.leaky_relu(s_src[src] + s_dst[dst], 0.2)
    alpha = softmax(logits, dst, num_nodes=block.num_dst)
    kept = dropout.mask(0, tuple(alpha.shape), alpha) != 0
    assert 0 < int(kept.sum()) < kept.numel()
    # Kept weights are scaled by 1 / (1 - p), as in torch.nn.functional.dropout.
    messages = (alpha * kept / 0.7).unsqueeze(-1) * value[src]
    expected = scatter(messages, dst, 0, dim_size=block.num_dst, reduce="sum")
    assert_close(out, expected)


def test_attention_without_duplicates_matches_plain(chunked):
    # Unique (dst, src) pairs take the sampled-product path in the backward pass.
    pairs = torch.randperm(30 * 40, generator=torch.Generator().manual_seed(7))[:300]
    block = Block.from_edge_index(torch.stack([pairs % 40, pairs // 40]), 40, 30)
    value = torch.randn(40, 2, 5, requires_grad=True)
    s_src = torch.randn(40, 2, requires_grad=True)
    s_dst = torch.randn(30, 2, requires_grad=True)
    out = attention_aggregate(block, value, s_src, s_dst, 0.2)
    expected = plain_attention(block, value, s_src, s_dst, 0.2)
    assert_close(out, expected)
    grad = torch.randn_like(out)
    got = torch.autograd.grad(out, [value, s_src, s_dst], grad)
    want = torch.autograd.grad(expected, [value, s_src, s_dst], grad)
    for a, b in zip(got, want):
        assert_close(a, b)


def masked_attention_inputs(dtype=torch.float64):
    """Build a 3-node block and inputs where source 2 has a head 0 score of -inf.

    Node 0's one in-edge comes from source 2, so all its head 0 scores are -inf. Node 1
    has one -inf edge among three.
    """
    block = Block.from_edge_index(torch.tensor([[0, 1, 2, 0, 2], [1, 1, 0, 2, 1]]), 3, 3)
    g = torch.Generator().manual_seed(8)
    value = torch.randn(3, 2, 4, generator=g, dtype=dtype)
    s_src = torch.randn(3, 2, generator=g, dtype=dtype)
    s_src[2, 0] = float("-inf")
    s_dst = torch.randn(3, 2, generator=g, dtype=dtype)
    return block, [t.requires_grad_() for t in (value, s_src, s_dst)]


@pytest.mark.parametrize("kernel", [attention_aggregate, plain_attention], ids=["fast", "plain"])
def test_attention_all_minus_inf_row_is_zero(kernel):
    block, inputs = masked_attention_inputs()
    value, s_src, s_dst = inputs
    out = kernel(block, value, s_src, s_dst, 0.2)
    assert torch.equal(out[0, 0], torch.zeros(4, dtype=torch.float64))
    # Head 1 has finite scores: node 0 takes all of its one source's value.
    assert_close(out[0, 1], value[2, 1])
    # Node 1's edge from source 2 weighs 0 in head 0, so sources 0 and 1 share it.
    e = torch.nn.functional.leaky_relu(s_src[:2, 0] + s_dst[1, 0], 0.2)
    assert_close(out[1, 0], (torch.softmax(e, 0).unsqueeze(1) * value[:2, 0]).sum(0))
    grad = torch.randn(out.shape, generator=torch.Generator().manual_seed(9), dtype=out.dtype)
    grads = torch.autograd.grad(out, inputs, grad)
    for name, tensor in zip(["value", "s_src", "s_dst"], grads):
        assert bool(torch.isfinite(tensor).all()), name
    # Node 0's head 0 output is constant 0, so its destination score gets no gradient.
    assert grads[2][0, 0] == 0


def test_attention_all_minus_inf_paths_agree(chunked):
    block, inputs = masked_attention_inputs()
    out = attention_aggregate(block, *inputs, 0.2)
    expected = plain_attention(block, *inputs, 0.2)
    assert_close(out, expected)
    grad = torch.randn(out.shape, generator=torch.Generator().manual_seed(9), dtype=out.dtype)
    got = torch.autograd.grad(out, inputs, grad)
    want = torch.autograd.grad(expected, inputs, grad)
    for a, b in zip(got, want):
        assert_close(a, b)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_attention_all_minus_inf_half_on_cpu(dtype):
    # LocalGraph runs half-precision attention on the CPU through the plain path.
    block, inputs = masked_attention_inputs(dtype)
    graph = LocalGraph(torch.stack([block.col, block.row]), 3)
    out = graph.attend(*inputs, self_loops=False)
    assert torch.equal(out[0, 0], torch.zeros(4, dtype=dtype))
    want = graph.attend(*[t.detach().float() for t in inputs], self_loops=False)
    assert_close(out.float(), want, atol=1e-2, rtol=1e-2)
    out.float().sum().backward()
    for name, tensor in zip(["value", "s_src", "s_dst"], inputs):
        assert bool(torch.isfinite(tensor.grad).all()), name


@pytest.mark.parametrize("kernel", ["spmm", "segment"])
def test_kernels_reject_wrong_row_count(kernel):
    # Without the check an extra row is ignored silently, because every source id is
    # in range.
    block = Block.from_edge_index(torch.tensor([[0, 1], [1, 0]]), 2, 2)
    x = torch.ones(3, 4)
    with pytest.raises(ValueError, match="x has 3 rows but the block has 2 source"):
        if kernel == "spmm":
            spmm(block, x)
        else:
            segment_aggregate(block, x, "max")


def test_attention_dropout_masks_differ_between_chunks():
    # Each chunk draws from its own seed, so chunks do not repeat one pattern.
    dropout = AttentionDropout(0.5, seed=3)
    like = torch.empty(0)
    first = dropout.mask(0, (64, 2), like)
    second = dropout.mask(1, (64, 2), like)
    assert torch.equal(first, dropout.mask(0, (64, 2), like))
    assert not torch.equal(first, second)
    assert set(first.unique().tolist()) == {0.0, 2.0}


def test_block_functions_minus_inf_row_zero():
    # The distributed path builds the output from block_max, block_sum and
    # block_weighted. A row whose scores are all -inf has z = 0 and must give 0, as
    # the single-block kernel does, not 0 / 0.
    block, inputs = masked_attention_inputs()
    value, s_src, s_dst = inputs
    m = block_max(block, s_src, s_dst, 0.2)
    z = block_sum(block, s_src, s_dst, 0.2, m)
    out = block_weighted(block, value, s_src, s_dst, 0.2, m, z)
    expected = attention_aggregate(block, value, s_src, s_dst, 0.2)
    assert_close(out, expected)
    generator = torch.Generator().manual_seed(3)
    grad_out = torch.randn(out.shape, generator=generator, dtype=out.dtype)
    grad_dot_out = (grad_out * out).sum(-1)
    got = block_backward(block, value, s_src, s_dst, 0.2, m, z, grad_out, grad_dot_out)
    want = torch.autograd.grad(expected, inputs, grad_out)
    for a, b in zip(got, want):
        assert_close(a, b)
