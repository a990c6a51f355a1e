"""LocalGraph.propagate reads current edge features: learned, changed in place, per call."""

import pytest
import torch
from torch import nn

from graphkit.graph import LocalGraph

# Edges 1->0, 0->1, 2->0, 0->2, listed out of destination order, so the graph
# reorders them internally.
EDGE_INDEX = torch.tensor([[1, 0, 2, 0], [0, 1, 0, 2]])
X = torch.tensor([[1.0], [10.0], [100.0]])


def weighted(x_j, x_i, edge_attr):
    return x_j * edge_attr


def test_learned_weights_follow_updates():
    weights = nn.Parameter(torch.tensor([[1.0], [2.0], [3.0], [4.0]]))
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=weights)
    out = graph.propagate(weighted, X)
    # Node 0 gets 10 * 1 + 100 * 3, node 1 gets 1 * 2, node 2 gets 1 * 4.
    assert out.flatten().tolist() == [310.0, 2.0, 4.0]
    out.sum().backward()
    assert weights.grad.flatten().tolist() == [10.0, 1.0, 100.0, 1.0]
    with torch.no_grad():
        weights.mul_(10)
    out = graph.propagate(weighted, X)
    assert out.flatten().tolist() == [3100.0, 20.0, 40.0]
    # A second backward pass through the same graph reaches the weights again.
    out.sum().backward()
    assert weights.grad.flatten().tolist() == [20.0, 2.0, 200.0, 2.0]


def test_learned_weights_without_grad():
    weights = nn.Parameter(torch.tensor([[1.0], [2.0], [3.0], [4.0]]))
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=weights)
    with torch.no_grad():
        weights.add_(1)
        out = graph.propagate(weighted, X)
    assert out.flatten().tolist() == [420.0, 3.0, 5.0]
    with torch.inference_mode():
        assert graph.propagate(weighted, X).flatten().tolist() == [420.0, 3.0, 5.0]


def test_edge_attr_changed_in_place():
    edge_attr = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=edge_attr)
    assert graph.propagate(weighted, X).flatten().tolist() == [310.0, 2.0, 4.0]
    edge_attr[2] = 0.0
    assert graph.propagate(weighted, X).flatten().tolist() == [10.0, 2.0, 4.0]


def test_per_call_edge_attr():
    graph = LocalGraph(EDGE_INDEX, 3)
    weights = torch.tensor([[1.0], [2.0], [3.0], [4.0]], requires_grad=True)
    out = graph.propagate(weighted, X, edge_attr=weights)
    assert out.flatten().tolist() == [310.0, 2.0, 4.0]
    out.sum().backward()
    assert weights.grad.flatten().tolist() == [10.0, 1.0, 100.0, 1.0]


def test_per_call_edge_attr_replaces_graph_features():
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=torch.ones(4, 1))
    per_call = torch.tensor([[0.0], [1.0], [2.0], [0.5]])
    out = graph.propagate(weighted, X, edge_attr=per_call)
    assert out.flatten().tolist() == [200.0, 1.0, 0.5]
    assert graph.propagate(weighted, X).flatten().tolist() == [110.0, 1.0, 1.0]


def test_per_call_edge_attr_row_count_checked():
    graph = LocalGraph(EDGE_INDEX, 3)
    with pytest.raises(ValueError) as caught:
        graph.propagate(weighted, X, edge_attr=torch.ones(3, 1))
    assert str(caught.value) == (
        "edge_attr has 3 rows but the graph has 4 edges (got shape [3, 1]). Pass one "
        "row per edge, in the order of the edge_index the graph was built from"
    )


def test_per_call_edge_attr_device_checked():
    graph = LocalGraph(EDGE_INDEX, 3)
    with pytest.raises(ValueError, match="edge_attr is on meta but the graph is on cpu"):
        graph.propagate(weighted, X, edge_attr=torch.ones(4, 1, device="meta"))


def test_fused_optimizer_update_seen_without_grad():
    # Fused Adam writes the parameter without incrementing its version counter.
    weights = nn.Parameter(torch.tensor([[1.0], [2.0], [3.0], [4.0]]))
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=weights)
    optimizer = torch.optim.Adam([weights], lr=0.5, eps=0.0, fused=True)
    with torch.no_grad():
        assert graph.propagate(weighted, X).flatten().tolist() == [310.0, 2.0, 4.0]
    graph.propagate(weighted, X).sum().backward()
    optimizer.step()
    # Adam's first step moves each weight by about lr against its gradient's sign.
    w = weights.detach().flatten()
    assert w.tolist() == pytest.approx([0.5, 1.5, 2.5, 3.5])
    with torch.no_grad():
        out = graph.propagate(weighted, X).flatten().tolist()
    assert out == [(10 * w[0] + 100 * w[2]).item(), w[1].item(), w[3].item()]


def test_data_assignment_seen():
    weights = nn.Parameter(torch.tensor([[1.0], [2.0], [3.0], [4.0]]))
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=weights)
    with torch.no_grad():
        graph.propagate(weighted, X)
    nn.utils.vector_to_parameters(torch.tensor([0.0, 1.0, 2.0, 0.5]), [weights])
    with torch.no_grad():
        assert graph.propagate(weighted, X).flatten().tolist() == [200.0, 1.0, 0.5]
    fixed = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=fixed)
    graph.propagate(weighted, X)
    fixed.data = torch.tensor([[0.0], [1.0], [2.0], [0.5]])
    assert graph.propagate(weighted, X).flatten().tolist() == [200.0, 1.0, 0.5]


def test_fixed_edge_attr_indexed_once():
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=torch.tensor([[1.0], [2.0], [3.0], [4.0]]))
    first = graph._current_edge_attr()
    assert graph._current_edge_attr() is first


def test_self_loops_warn_dropped_edge_attr(caplog):
    def weighted_or_one(x_j, x_i, edge_attr):
        return x_j if edge_attr is None else x_j * edge_attr

    weights = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    graph = LocalGraph(EDGE_INDEX, 3, edge_attr=weights)
    looped = graph.with_self_loops()
    with caplog.at_level("WARNING", logger="graphkit.graph"):
        first = looped.propagate(weighted_or_one, X)
        looped.propagate(weighted_or_one, X)
    warned = [r for r in caplog.records if "drops the edge_attr" in r.getMessage()]
    assert len(warned) == 1
    assert first.flatten().tolist() == [111.0, 11.0, 101.0]
    # A message that ignores edge_attr gives the looped sum without any error.
    assert looped.propagate(lambda x_j, x_i, e: x_j, X).flatten().tolist() == [
        111.0,
        11.0,
        101.0,
    ]
    # An explicit edge_attr and the GCN aggregation, which reads no edge_attr, still work.
    out = looped.propagate(weighted_or_one, X, edge_attr=torch.ones(7, 1))
    assert out.flatten().tolist() == [111.0, 11.0, 101.0]
    gcn = graph.gcn_aggregate(X)
    assert gcn.shape == (3, 1)
    # With loops, node 0 has degree 3 and nodes 1 and 2 degree 2, and the edge j -> i
    # has weight 1 / sqrt(d_i d_j), whatever the edge_attr.
    root6 = 6**0.5
    expected = [1 / 3 + 110 / root6, 1 / root6 + 5.0, 1 / root6 + 50.0]
    assert gcn.flatten().tolist() == pytest.approx(expected, rel=1e-6)


def test_self_loops_without_edge_attr_silent(caplog):
    plain = LocalGraph(EDGE_INDEX, 3).with_self_loops()
    with caplog.at_level("WARNING", logger="graphkit.graph"):
        out = plain.propagate(lambda x_j, x_i, e: x_j, X)
    assert out.flatten().tolist() == [111.0, 11.0, 101.0]
    assert not [r for r in caplog.records if "edge_attr" in r.getMessage()]
