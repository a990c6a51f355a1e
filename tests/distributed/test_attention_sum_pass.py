"""SAR's attention forward pass computes each block's scores twice, not three times."""

import pytest
import torch
from graphkit.distributed.sar import AttentionSAR, Plan, _block_dropout

from graphkit.block import Block
from graphkit.ops import attention, chunks
from graphkit.ops.attention import (
    AttentionDropout,
    block_max,
    block_sum,
    block_sum_weighted,
    block_weighted,
)


class _TwoBlockHalo:
    """A halo exchange of rank 0 that yields its own rows, then one peer's rows."""

    rank = 0

    def __init__(self, peer_rows):
        self.peer_rows = peer_rows

    def fetch(self, tensors, label):
        yield 0, tensors
        yield 1, self.peer_rows


def _inputs(seed: int):
    generator = torch.Generator().manual_seed(seed)
    # Duplicate edges, empty rows and unused sources, in rank 0's own block and a peer
    # block that share destinations.
    blocks = [
        Block.from_edge_index(torch.randint(0, 9, (2, 70), generator=generator), 9, 9),
        Block.from_edge_index(torch.randint(0, 7, (2, 40), generator=generator), 7, 9),
    ]
    values = [torch.randn(b.num_src, 3, 2, generator=generator) for b in blocks]
    scores = [torch.randn(b.num_src, 3, generator=generator) for b in blocks]
    s_dst = torch.randn(9, 3, generator=generator)
    return blocks, values, scores, s_dst


def _three_passes(blocks, values, scores, s_dst, dropout):
    """Compute the online softmax with separate block_sum and block_weighted passes."""
    best = s_dst.new_full((9, 3), float("-inf"))
    z = s_dst.new_zeros(9, 3)
    acc = values[0].new_zeros(9, 3, 2)
    ones = s_dst.new_ones(9, 3)
    for peer, (block, v, s) in enumerate(zip(blocks, values, scores)):
        new_best = torch.maximum(best, block_max(block, s, s_dst, 0.2))
        scale = torch.where(torch.isinf(best), 0.0, torch.exp(best - new_best))
        drop = _block_dropout(dropout, peer)
        z = z * scale + block_sum(block, s, s_dst, 0.2, new_best)
        acc.mul_(scale.unsqueeze(-1))
        block_weighted(block, v, s, s_dst, 0.2, new_best, ones, drop, out=acc)
        best = new_best
    return acc.div_(torch.where(z > 0, z, 1.0).unsqueeze(-1))


@pytest.mark.parametrize("many_chunks", [False, True], ids=["one-chunk", "many-chunks"])
@pytest.mark.parametrize("p", [0.0, 0.4])
def test_block_sum_weighted_equals_two_passes(monkeypatch, many_chunks, p):
    if many_chunks:
        monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 64)
    blocks, values, scores, s_dst = _inputs(5)
    block, v, s = blocks[1], values[1], scores[1]
    m = block_max(block, s, s_dst, 0.2)
    dropout = AttentionDropout(p, 4)
    want = torch.randn(9, 3, 2)
    got = want.clone()
    block_weighted(block, v, s, s_dst, 0.2, m, torch.ones_like(m), dropout, out=want)
    z = block_sum_weighted(block, v, s, s_dst, 0.2, m, got, dropout)
    assert torch.equal(z, block_sum(block, s, s_dst, 0.2, m))
    assert torch.equal(got, want)


@pytest.mark.parametrize("many_chunks", [False, True], ids=["one-chunk", "many-chunks"])
def test_attention_forward_scores_each_chunk_twice(monkeypatch, many_chunks):
    if many_chunks:
        monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 64)
    blocks, values, scores, s_dst = _inputs(6)
    dropout = AttentionDropout(0.3, 8)
    want = _three_passes(blocks, values, scores, s_dst, dropout)
    calls = []
    original = attention._scores

    def counted(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(attention, "_scores", counted)
    plan = Plan(_TwoBlockHalo([values[1], scores[1]]), blocks, keep=False, label="gat")
    got = AttentionSAR.apply(values[0], scores[0], s_dst, plan, 0.2, dropout)
    assert torch.equal(got, want)
    nonempty = sum(
        1 for block in blocks for chunk in attention._chunks(block, 3) if chunk.col.numel()
    )
    # Each nonempty chunk is scored twice, once by block_max and once by
    # block_sum_weighted.
    assert len(calls) == 2 * nonempty
