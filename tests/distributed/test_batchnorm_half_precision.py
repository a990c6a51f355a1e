"""GraphBatchNorm on float16 features whose column sums exceed float16's range."""

import pytest
import torch
from harness import run_world
from torch.testing import assert_close

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph
from graphkit.nn.norm import GraphBatchNorm

pytestmark = pytest.mark.distributed

NODES = 20_000
# Column sums near 100000, above float16's largest value 65504.
X = torch.randn(NODES, 3, generator=torch.Generator().manual_seed(0)) + 5
NO_EDGES = torch.empty(2, 0, dtype=torch.long)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_matches_batchnorm1d(dtype):
    norm = GraphBatchNorm(3).to(dtype)
    reference = torch.nn.BatchNorm1d(3).to(dtype)
    out = norm(X.to(dtype), LocalGraph(NO_EDGES, NODES))
    want = reference(X.to(dtype))
    assert out.dtype == dtype
    assert bool(torch.isfinite(out).all())
    assert_close(out.float(), want.float(), atol=0.05, rtol=0.02)
    # Reference in float64 on the same rounded input. The float32 statistics add far
    # less error than the final rounding to dtype, so each output is within one
    # machine epsilon of it, relative to its size. The comparison above would pass a
    # mean rounded to dtype before the subtraction, which shifts outputs by up to 0.016.
    wide = X.to(dtype).double()
    mean = wide.mean(0)
    exact = (wide - mean) / (wide.var(0, unbiased=False) + norm.eps).sqrt()
    assert_close(out.double(), exact, atol=2**-24, rtol=torch.finfo(dtype).eps)
    # One rounding step of the half-precision buffers apart at most.
    close = {"atol": 1e-2, "rtol": 1e-2}
    assert_close(norm.running_mean.float(), reference.running_mean.float(), **close)
    assert_close(norm.running_var.float(), reference.running_var.float(), **close)


def _sharded(rank: int, world_size: int):
    from torch_geometric.data import Data

    parts = (torch.arange(NODES) >= NODES // 3).long()
    data = Data(edge_index=NO_EDGES, num_nodes=NODES)
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    norm = GraphBatchNorm(3).half()
    x = X[payload["global_ids"]].half().requires_grad_(True)
    out = norm(x, graph)
    out.float().pow(2).sum().backward()
    return payload["global_ids"].tolist(), out.float().tolist(), x.grad.float().tolist()


def test_sharded_matches_one_process():
    norm = GraphBatchNorm(3).half()
    x = X.half().requires_grad_(True)
    want = norm(x, LocalGraph(NO_EDGES, NODES))
    want.float().pow(2).sum().backward()
    for ids, out, grad in run_world(_sharded, 2):
        out, grad = torch.tensor(out), torch.tensor(grad)
        assert bool(torch.isfinite(out).all())
        assert_close(out, want.float()[ids], atol=0.01, rtol=0.01)
        assert_close(grad, x.grad.float()[ids], atol=0.01, rtol=0.01)
