"""Row chunks cover every row once and stay within their documented edge bound."""

import pytest
import torch

from graphkit.block import Block
from graphkit.ops import chunks
from graphkit.ops.chunks import row_chunks


def _block(degrees):
    degrees = torch.tensor(degrees)
    dst = torch.repeat_interleave(torch.arange(degrees.numel()), degrees)
    return Block.from_edge_index(torch.stack([torch.zeros_like(dst), dst]), 1, len(degrees))


def test_hub_row_chunk_exceeds_budget(monkeypatch):
    # Budget 4 edges: row 1 (10 edges) shares its chunk with row 2, 11 edges in all,
    # which is more than max(budget, max in-degree) = 10 but fewer than 4 + 10.
    monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 4)
    assert row_chunks(_block([1, 10, 1, 1, 1, 1]), 1) == [
        (0, 1, 0, 1),
        (1, 3, 1, 12),
        (3, 6, 12, 15),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_chunks_cover_rows_within_bound(monkeypatch, seed):
    monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 16)
    generator = torch.Generator().manual_seed(seed)
    degrees = torch.randint(0, 4, (60,), generator=generator)
    degrees[torch.randint(0, 60, (3,), generator=generator)] = 25  # hubs over budget
    block = _block(degrees.tolist())
    found = row_chunks(block, 2)
    budget = 16 // 2
    assert found[0][0] == 0
    assert found[-1][1] == 60
    for (r0, r1, e0, e1), following in zip(found, found[1:] + [None]):
        assert e0 == int(block.rowptr[r0])
        assert e1 == int(block.rowptr[r1])
        assert e1 - e0 < budget + int(degrees[r0])
        if following is not None:
            assert following[0] == r1
