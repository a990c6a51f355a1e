"""score_pairs with node ids in small integer dtypes."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.linkpred import score_pairs

U = torch.tensor([[1.0], [2.0], [3.0]])
S = torch.ones(1)
PAIRS = torch.tensor([[0, 1, 2], [2, 0, 1]])


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int16, torch.int32])
def test_small_int_pairs_match_int64(dtype):
    # As a uint8 index, row 0 of PAIRS would be the mask [False, True, True] and give
    # two scores for rows 1 and 2 instead of three.
    scores = score_pairs(U, S, U, PAIRS.to(dtype))
    assert scores.tolist() == [3.0, 2.0, 6.0]
