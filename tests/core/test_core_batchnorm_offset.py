"""GraphBatchNorm on features with a large mean matches torch's batch norm.

Computing the variance as E[x^2] - E[x]^2 cancels catastrophically here and can even
turn negative, so this test pins the two-pass variance.
"""

from __future__ import annotations

import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn.norm import GraphBatchNorm


def test_batchnorm_large_mean_matches_torch():
    generator = torch.Generator().manual_seed(0)
    x = 1e8 + 0.01 * torch.randn(64, 3, generator=generator, dtype=torch.float64)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 64)
    ours = GraphBatchNorm(3).double()
    reference = torch.nn.BatchNorm1d(3).double()
    # The two modules round the mean of 64 values near 1e8 differently (the float64
    # ulp there is 1.5e-8), so the normalised outputs, of unit variance, agree to
    # about 1e-5.
    assert_close(ours(x, graph), reference(x), atol=1e-4, rtol=0)
    assert_close(ours.running_mean, reference.running_mean)
    assert_close(ours.running_var, reference.running_var, atol=0, rtol=1e-3)
    ours.eval()
    reference.eval()
    assert_close(ours(x, graph), reference(x), atol=1e-4, rtol=0)
