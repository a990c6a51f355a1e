"""GINConv rejects a non-finite eps and applies a finite one."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.nn import GINConv


@pytest.mark.parametrize("eps", [float("nan"), float("inf")])
def test_non_finite_eps_rejected(eps):
    # Unchecked, every output row would be NaN or infinite.
    with pytest.raises(ValueError, match=f"eps must be a finite number, got {eps}"):
        GINConv(nn.Identity(), eps=eps)


def test_eps_scales_own_features():
    # Node 1 has the in-neighbour 0: (1 + 0.5) * 2 + 1 = 4. Node 0 has none: 1.5 * 1.
    layer = GINConv(nn.Identity(), eps=0.5)
    out = layer(torch.tensor([[1.0], [2.0]]), LocalGraph(torch.tensor([[0], [1]]), 2))
    assert out.flatten().tolist() == [1.5, 4.0]
