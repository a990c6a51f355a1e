"""Max and min aggregation at zero ties and infinite features, on both paths."""

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from graphkit.block import Block
from graphkit.graph import LocalGraph
from graphkit.ops.plain import plain_aggregate
from graphkit.ops.segment import segment_aggregate


class _Source(nn.Module):
    """Message function that passes the source features on unchanged."""

    def forward(self, x_j, x_i, edge_attr):
        return x_j


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_plain_extremum_zero_gets_whole_gradient(reduce):
    # Node 0 receives only its own value 0 and node 1 two sources at 0. A row's
    # gradient must go to its sources only, so it sums to 1 per non-empty row.
    edge_index = torch.tensor([[0, 0, 2], [0, 1, 1]])
    block = Block.from_edge_index(edge_index, 3, 3)
    x = torch.zeros(3, 1, requires_grad=True)
    plain_aggregate(block, x, reduce).sum().backward()
    assert_close(x.grad, torch.tensor([[1.5], [0.0], [0.5]]))


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_plain_propagate_zero_gets_whole_gradient(reduce):
    graph = LocalGraph(torch.tensor([[0], [1]]), 2)
    x = torch.zeros(2, 3, requires_grad=True)
    graph.propagate(_Source(), x, reduce).sum().backward()
    assert_close(x.grad, torch.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]))


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_extremum_zero_ties_agree_between_paths(fast):
    edge_index = torch.tensor([[0, 1, 2, 2], [2, 2, 2, 0]])
    x = torch.tensor([[0.0, -1.0], [0.0, 2.0], [-3.0, 0.0]], requires_grad=True)
    LocalGraph(edge_index, 3, fast=fast).aggregate(x, "max").sum().backward()
    # In column 0, row 2 ties x_0 = x_1 = 0 and row 0 takes x_2 alone.
    assert_close(x.grad, torch.tensor([[0.5, 0.0], [0.5, 1.0], [1.0, 1.0]]))


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_extremum_keeps_infinite_features(fast):
    inf = float("inf")
    edge_index = torch.tensor([[0, 1, 0, 1], [1, 1, 2, 2]])
    x = torch.tensor([[inf, -inf], [1.0, 2.0], [5.0, 5.0]])
    graph = LocalGraph(edge_index, 3, fast=fast)
    # Node 0 has no in-edges, so its row is 0. The others keep the infinite values.
    expected_max = torch.tensor([[0.0, 0.0], [inf, 2.0], [inf, 2.0]])
    expected_min = torch.tensor([[0.0, 0.0], [1.0, -inf], [1.0, -inf]])
    assert_close(graph.aggregate(x, "max"), expected_max)
    assert_close(graph.aggregate(x, "min"), expected_min)


def test_segment_extremum_empty_rows_are_zero():
    block = Block.from_edge_index(torch.tensor([[0, 1], [1, 1]]), 2, 3)
    x = torch.tensor([[-2.0], [-1.0]], requires_grad=True)
    out = segment_aggregate(block, x, "max")
    assert_close(out, torch.tensor([[0.0], [-1.0], [0.0]]))
    out.sum().backward()
    assert_close(x.grad, torch.tensor([[0.0], [1.0]]))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["f32", "bf16"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize("reduce", ["max", "min"])
def test_infinite_extremum_gets_whole_gradient(reduce, fast, dtype):
    # Node 1 receives only node 0, node 2 receives nodes 0 and 1. Every source is -inf
    # for max (+inf for min), so each row is that value and passes its whole gradient
    # on: 1 + 1/2 to node 0 and 1/2 to node 1. A scatter started from -inf would count
    # the start as one more tie and pass on only 1/2 and 1/3 + 1/3.
    # bfloat16 on the CPU takes the plain path even with fast=True.
    edge_index = torch.tensor([[0, 0, 1], [1, 2, 2]])
    value = float("-inf") if reduce == "max" else float("inf")
    x = torch.full((3, 1), value, dtype=dtype, requires_grad=True)
    out = LocalGraph(edge_index, 3, fast=fast).aggregate(x, reduce)
    assert out.float().view(-1).tolist() == [0.0, value, value]
    out.float().sum().backward()
    assert_close(x.grad.float(), torch.tensor([[1.5], [0.5], [0.0]]))
