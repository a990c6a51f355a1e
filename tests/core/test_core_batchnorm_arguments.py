"""GraphBatchNorm rejects eps and momentum values that would silently skew results."""

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn.norm import GraphBatchNorm


@pytest.mark.parametrize("eps", [-0.5, float("nan"), float("inf"), "1e-5"])
def test_batchnorm_rejects_bad_eps(eps):
    with pytest.raises(ValueError, match=f"eps={eps!r} is invalid"):
        GraphBatchNorm(2, eps=eps)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, float("nan")])
def test_batchnorm_rejects_bad_momentum(momentum):
    with pytest.raises(ValueError, match=f"momentum={momentum!r} is invalid"):
        GraphBatchNorm(2, momentum=momentum)


@pytest.mark.parametrize("momentum", [0.0, 1.0, None])
def test_batchnorm_momentum_bounds_accepted(momentum):
    norm = GraphBatchNorm(1, eps=0.0, momentum=momentum)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 2)
    # Mean 2 and biased variance 1, so the nodes normalise to -1 and 1 with eps 0.
    out = norm(torch.tensor([[1.0], [3.0]]), graph)
    assert out.flatten().tolist() == [-1.0, 1.0]
    expected_mean = {0.0: 0.0, 1.0: 2.0, None: 2.0}[momentum]
    assert norm.running_mean.tolist() == [expected_mean]
