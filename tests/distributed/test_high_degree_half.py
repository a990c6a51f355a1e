"""Mean and GCN weights of a node with in-degree above 65504 in float16 and bfloat16.

float16 cannot store such a degree, so the weights are formed in float32. Its weight
1/deg is subnormal there, so float16 features meet the weights in float32 and the
result is rounded once.
"""

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import ShardedGraph, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.graph import LocalGraph, has_float16_subnormal

pytestmark = pytest.mark.distributed

NODES = 66_000
# Each node except node 0 sends one edge to node 0, whose in-degree is 65999.
EDGES = torch.stack([torch.arange(1, NODES), torch.zeros(NODES - 1, dtype=torch.long)])
# GCN with one loop per node: node 0 sums 1/sqrt(66000 * 1) over 65999 neighbours and
# 1/66000 from its own loop, which is about 256.9.
GCN_NODE_0 = 65_999 / (66_000 * 1.0) ** 0.5 + 1 / 66_000
DTYPES = [torch.float16, torch.bfloat16]


def _tolerance(dtype: torch.dtype) -> float:
    # One machine epsilon of the dtype (2**-10 for float16, 2**-7 for bfloat16): the
    # weights are rounded to the dtype, and so is the result.
    return torch.finfo(dtype).eps


def _node_0(graph, dtype: torch.dtype, rows: int) -> tuple[float, float]:
    x = torch.ones(rows, 1, dtype=dtype)
    mean = graph.aggregate(x, "mean")[0].item()
    gcn = graph.gcn_aggregate(x)[0].item()
    return mean, gcn


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_local_graph_hub(dtype, fast):
    mean, gcn = _node_0(LocalGraph(EDGES, NODES, fast=fast), dtype, NODES)
    assert mean == pytest.approx(1.0, rel=_tolerance(dtype))
    assert gcn == pytest.approx(GCN_NODE_0, rel=_tolerance(dtype))


def test_float16_mean_of_huge_hub():
    # At in-degree 999999 the float16 weight 1e-6 would round to 17 * 2**-24 and make
    # every mean 1.3% too large, so these weights are applied in float32. (Features of
    # ones would measure float32's own rounding of a million equal addends instead.)
    nodes = 1_000_000
    edges = torch.stack(
        [torch.arange(1, nodes), torch.zeros(nodes - 1, dtype=torch.long)]
    )
    x = torch.rand(nodes, 1, generator=torch.Generator().manual_seed(0)).half()
    mean = LocalGraph(edges, nodes).aggregate(x, "mean")[0].item()
    exact = x[1:].double().mean().item()
    assert mean == pytest.approx(exact, rel=torch.finfo(torch.float16).eps)


def _sharded_hub(rank: int, world_size: int):
    data = Data(edge_index=EDGES, num_nodes=NODES)
    parts = (torch.arange(NODES) >= NODES // 2).long()
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    rows = payload["global_ids"].numel()
    results = {}
    for mode in ("sar", "one-shot"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        for dtype in DTYPES:
            results[mode, str(dtype)] = _node_0(graph, dtype, rows)
    return results


def test_sharded_graph_hub():
    # Rank 0 owns node 0 and half of its in-edges, and rank 1 sends the other half.
    results = run_world(_sharded_hub, 2)[0]
    for (mode, dtype), (mean, gcn) in results.items():
        tolerance = _tolerance(getattr(torch, dtype.removeprefix("torch.")))
        assert mean == pytest.approx(1.0, rel=tolerance), (mode, dtype)
        assert gcn == pytest.approx(GCN_NODE_0, rel=tolerance), (mode, dtype)


def test_float16_subnormal_weights_detected():
    # Nodes 0 and 1 each have 20001 in-neighbours, and 1 -> 0 joins them, so that
    # edge's GCN weight 1/sqrt(20002 * 20001) is below float16's 2**-14.
    nodes = 20_002
    sources = torch.arange(2, nodes)
    edges = torch.cat(
        [
            torch.stack([sources, torch.zeros_like(sources)]),
            torch.stack([sources, torch.ones_like(sources)]),
            torch.tensor([[1], [0]]),
        ],
        1,
    )
    graph = LocalGraph(edges, nodes)
    x = torch.ones(nodes, 2)
    assert has_float16_subnormal([torch.tensor([0.0, 2.0**-15])])
    assert not has_float16_subnormal([torch.tensor([0.0, 2.0**-14])])
    assert graph.with_self_loops()._aggregates_half_in_float32("gcn", x.half())
    assert not graph.with_self_loops()._aggregates_half_in_float32("gcn", x)
    assert torch.equal(graph.gcn_aggregate(x.half()), graph.gcn_aggregate(x).half())
    assert torch.equal(
        graph.aggregate(x.half(), "mean"), graph.aggregate(x, "mean").half()
    )
