"""LocalGraph on float16 and bfloat16 CPU features, which torch's CSR kernels lack."""

import copy

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn import GATConv

EDGE_INDEX = torch.tensor([[0, 1, 2, 3, 4, 5, 0, 3], [1, 2, 3, 4, 5, 0, 1, 3]])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_half_aggregate_matches_plain(dtype, reduce):
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(0)).to(dtype)
    out = LocalGraph(EDGE_INDEX, 6).aggregate(x, reduce)
    assert out.dtype == dtype
    assert_close(out, LocalGraph(EDGE_INDEX, 6, fast=False).aggregate(x, reduce))
    assert_close(
        out.float(),
        LocalGraph(EDGE_INDEX, 6).aggregate(x.float(), reduce),
        atol=2e-2,
        rtol=2e-2,
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_gcn_and_attention_run(dtype):
    graph = LocalGraph(EDGE_INDEX, 6)
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1)).to(dtype)
    x.requires_grad_()
    x_float = x.detach().float().requires_grad_()
    gcn = graph.gcn_aggregate(x)
    assert gcn.dtype == dtype
    # Half results must agree with float32 within the rounding of bfloat16 (2**-8).
    assert_close(gcn.float(), graph.gcn_aggregate(x_float), atol=2e-2, rtol=2e-2)
    torch.manual_seed(0)
    layer = GATConv(3, 2, heads=2).to(dtype)
    reference = copy.deepcopy(layer).float()
    out = layer(x, graph)
    out.float().sum().backward()
    expected = reference(x_float, graph)
    expected.sum().backward()
    assert out.dtype == dtype
    assert_close(out.float(), expected, atol=2e-2, rtol=2e-2)
    assert x.grad is not None
    assert_close(x.grad.float(), x_float.grad, atol=2e-2, rtol=2e-2)
