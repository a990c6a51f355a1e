"""ShardedGraph on float16 and bfloat16 CPU features, which torch's CSR kernels lack."""

import pytest
import torch
from harness import run_world
from torch.testing import assert_close
from workers import random_graph

from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph
from graphkit.nn import GATConv

OPERATIONS = ("sum", "mean", "max", "gcn", "gat")


def _run(op: str, graph, x: torch.Tensor) -> torch.Tensor:
    if op == "gcn":
        return graph.gcn_aggregate(x)
    if op == "gat":
        torch.manual_seed(2)
        layer = GATConv(x.size(1), 3, heads=2).to(x.dtype)
        return layer(x, graph)
    return graph.aggregate(x, op)


def _output_and_grad(op: str, graph, x: torch.Tensor, ids: torch.Tensor):
    """Return the output and the gradient of a loss that weights each node's row.

    The weight of a row depends on the node's global id, so every rank's share of
    the loss is the share of its nodes in the single-process loss.
    """
    x = x.clone().requires_grad_(True)
    out = _run(op, graph, x)
    weight = torch.cos(ids.double()).reshape(-1, *[1] * (out.dim() - 1))
    (out.double() * weight).sum().backward()
    return out.detach(), x.grad


def _half_ranks(rank: int, world_size: int, dtype: torch.dtype):
    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    x = data.x[ids].to(dtype)
    results = {}
    for mode in ("sar", "sa", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for op in OPERATIONS:
            out, grad = _output_and_grad(op, graph, x, ids)
            # Plain lists: tensors sent through the result queue would be shared
            # through files that vanish when this process exits.
            results[mode, op] = (
                ids.tolist(),
                str(out.dtype),
                str(grad.dtype),
                out.float().tolist(),
                grad.float().tolist(),
            )
    return results


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_sharded_matches_local(dtype):
    data = random_graph()
    local = LocalGraph(data.edge_index, data.num_nodes)
    x = data.x.to(dtype)
    ids = torch.arange(data.num_nodes)
    wants = {op: _output_and_grad(op, local, x, ids) for op in OPERATIONS}
    tolerance = {"atol": 3e-2, "rtol": 3e-2}
    for results in run_world(_half_ranks, 2, dtype):
        for (mode, op), (ids, out_dtype, grad_dtype, out, grad) in results.items():
            want_out, want_grad = wants[op]
            assert out_dtype == str(dtype), (mode, op)
            assert grad_dtype == str(dtype), (mode, op)
            case = f"{mode} {op}"
            want_out, want_grad = want_out[ids].float(), want_grad[ids].float()
            assert_close(torch.tensor(out), want_out, **tolerance, msg=case)
            assert_close(torch.tensor(grad), want_grad, **tolerance, msg=case)
