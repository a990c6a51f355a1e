"""GraphBatchNorm names its width when the feature width differs."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GraphBatchNorm


@pytest.mark.parametrize("training", [True, False])
def test_width_mismatch_named(training):
    norm = GraphBatchNorm(3).train(training)
    graph = LocalGraph(torch.tensor([[0, 1], [1, 0]]), 2)
    with pytest.raises(
        ValueError, match=r"GraphBatchNorm\(3\) got x of shape \[2, 4\]"
    ):
        norm(torch.randn(2, 4), graph)
