"""GraphBatchNorm on graphs with fewer than two nodes."""

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn.norm import GraphBatchNorm


def _edgeless(num_nodes: int) -> LocalGraph:
    return LocalGraph(torch.empty(2, 0, dtype=torch.long), num_nodes)


@pytest.mark.parametrize("num_nodes", [0, 1])
def test_batchnorm_rejects_fewer_than_two_nodes(num_nodes):
    norm = GraphBatchNorm(3)
    with pytest.raises(ValueError, match=f"at least 2 nodes.*has {num_nodes}"):
        norm(torch.randn(num_nodes, 3), _edgeless(num_nodes))
    # The rejected call leaves the running statistics as they were.
    assert_close(norm.running_mean, torch.zeros(3))
    assert_close(norm.running_var, torch.ones(3))
    assert int(norm.num_batches_tracked) == 0


def test_batchnorm_one_node_in_eval_mode():
    norm = GraphBatchNorm(2).eval()
    norm.running_mean.copy_(torch.tensor([1.0, -1.0]))
    norm.running_var.copy_(torch.tensor([4.0, 1.0]))
    out = norm(torch.tensor([[3.0, 0.0]]), _edgeless(1))
    expected = torch.tensor([[2.0 / (4.0 + 1e-5) ** 0.5, 1.0 / (1.0 + 1e-5) ** 0.5]])
    assert_close(out, expected)
