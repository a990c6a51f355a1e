"""Sum, mean and GCN aggregation return gradients in the shape of x, also 1-D or 3-D."""

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph

EDGE_INDEX = torch.tensor([[0, 1, 2, 0], [1, 2, 0, 2]])


def _run(graph: LocalGraph, op: str, x: torch.Tensor) -> torch.Tensor:
    return graph.gcn_aggregate(x) if op == "gcn" else graph.aggregate(x, op)


@pytest.mark.parametrize("op", ["sum", "mean", "gcn"])
@pytest.mark.parametrize("shape", [(4,), (4, 2, 3)])
def test_gradient_keeps_shape(op, shape):
    values = torch.linspace(-1, 1, torch.Size(shape).numel()).reshape(shape)
    x = values.clone().requires_grad_(True)
    out = _run(LocalGraph(EDGE_INDEX, 4), op, x)
    (out * out).sum().backward()
    assert out.shape == shape
    assert x.grad.shape == shape
    # The plain gather/scatter path computes the same function with autograd's ops.
    reference = values.clone().requires_grad_(True)
    expected = _run(LocalGraph(EDGE_INDEX, 4, fast=False), op, reference)
    (expected * expected).sum().backward()
    assert_close(out, expected)
    assert_close(x.grad, reference.grad)


def test_sum_gradient_of_vector_by_hand():
    # out = [x2, x0, x1 + x0, 0], so d(sum out)/dx = [2, 1, 1, 0].
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    out = LocalGraph(EDGE_INDEX, 4).aggregate(x, "sum")
    assert out.tolist() == [3.0, 1.0, 3.0, 0.0]
    out.sum().backward()
    assert x.grad.tolist() == [2.0, 1.0, 1.0, 0.0]
