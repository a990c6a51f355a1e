"""Each graphkit layer equals its PyG counterpart given the same weights."""

import pytest
import torch
import torch_geometric.nn as pyg
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, EdgeConv, GATConv, GCNConv, GINConv, SAGEConv


def small_graph():
    # 4 nodes: 0->1, 1->2, 2->0, 3->2, a duplicate 0->1 and a self-loop on 3.
    edge_index = torch.tensor([[0, 1, 2, 3, 0, 3], [1, 2, 0, 2, 1, 3]])
    return edge_index, 4


def random_graph(seed=0, n=60, e=300):
    g = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, n, (2, e), generator=g)
    edge_index[:, :5] = edge_index[0, :5].repeat(2, 1)  # a few self-loops
    return edge_index, n + 3  # three isolated nodes at the end


GRAPHS = [small_graph(), random_graph()]


def _mlp(i, o):
    return torch.nn.Sequential(torch.nn.Linear(i, o), torch.nn.ReLU(), torch.nn.Linear(o, o))


def make_pair(kind, f_in, f_out):
    if kind == "gcn":
        return GCNConv(f_in, f_out), pyg.GCNConv(f_in, f_out)
    if kind == "sage-mean":
        return SAGEConv(f_in, f_out, "mean"), pyg.SAGEConv(f_in, f_out, aggr="mean")
    if kind == "sage-max":
        return SAGEConv(f_in, f_out, "max"), pyg.SAGEConv(f_in, f_out, aggr="max")
    if kind == "gat":
        return GATConv(f_in, f_out, heads=3), pyg.GATConv(f_in, f_out, heads=3)
    if kind == "gat-mean":
        return (GATConv(f_in, f_out, heads=2, concat=False),
                pyg.GATConv(f_in, f_out, heads=2, concat=False))
    if kind == "gin":
        mlp = _mlp(f_in, f_out)
        return GINConv(mlp, eps=0.3), pyg.GINConv(mlp, eps=0.3)
    if kind == "edgeconv":
        mlp = _mlp(2 * f_in, f_out)
        return EdgeConv(mlp, reduce="max"), pyg.EdgeConv(mlp, aggr="max")
    raise AssertionError(kind)


KINDS = ["gcn", "sage-mean", "sage-max", "gat", "gat-mean", "gin", "edgeconv"]


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("graph_index", [0, 1])
@pytest.mark.parametrize("kind", KINDS)
def test_layer_matches_pyg(kind, graph_index, fast):
    torch.manual_seed(graph_index)
    edge_index, n = GRAPHS[graph_index]
    ours, theirs = make_pair(kind, 5, 4)
    ours.load_state_dict(theirs.state_dict(), strict=True)
    x = torch.randn(n, 5, requires_grad=True)
    graph = LocalGraph(edge_index, n, fast=fast)
    out = ours(x, graph)
    expected = theirs(x, edge_index)
    assert_close(out, expected)
    # Gradients with respect to the input and every parameter agree too.
    weight = torch.randn_like(out)
    grads = torch.autograd.grad((out * weight).sum(), [x, *ours.parameters()])
    expected_grads = torch.autograd.grad((expected * weight).sum(), [x, *theirs.parameters()])
    for got, want in zip(grads, expected_grads):
        assert_close(got, want)


def test_gcn_small_graph_exact_values():
    # Path 0 -> 1 with self-loops: deg = [1, 2]; out_1 = x_0/sqrt(2) + x_1/2.
    graph = LocalGraph(torch.tensor([[0], [1]]), 2)
    x = torch.tensor([[2.0], [4.0]])
    out = graph.gcn_aggregate(x)
    assert_close(out, torch.tensor([[2.0], [2.0 / 2**0.5 + 2.0]]))


def test_aggregate_exact_values():
    edge_index = torch.tensor([[0, 1, 2], [2, 2, 0]])
    x = torch.tensor([[1.0, -1.0], [3.0, 5.0], [2.0, 0.0]])
    graph = LocalGraph(edge_index, 3)
    assert_close(graph.aggregate(x, "sum"), torch.tensor([[2.0, 0.0], [0.0, 0.0], [4.0, 4.0]]))
    assert_close(graph.aggregate(x, "mean"), torch.tensor([[2.0, 0.0], [0.0, 0.0], [2.0, 2.0]]))
    assert_close(graph.aggregate(x, "max"), torch.tensor([[2.0, 0.0], [0.0, 0.0], [3.0, 5.0]]))
    assert_close(graph.aggregate(x, "min"), torch.tensor([[2.0, 0.0], [0.0, 0.0], [1.0, -1.0]]))


def test_unknown_reduce_rejected():
    graph = LocalGraph(torch.tensor([[0], [1]]), 2)
    with pytest.raises(ValueError, match="reduce must be one of"):
        graph.aggregate(torch.ones(2, 1), "median")


@pytest.mark.parametrize("fast", [True, False])
def test_gat_eval_skips_attention_dropout(fast):
    torch.manual_seed(0)
    edge_index, n = GRAPHS[1]
    graph = LocalGraph(edge_index, n, fast=fast)
    dropped = GATConv(5, 4, heads=2, dropout=0.6).eval()
    plain = GATConv(5, 4, heads=2)
    plain.load_state_dict(dropped.state_dict())
    x = torch.randn(n, 5)
    assert_close(dropped(x, graph), plain(x, graph))


def test_gnn_residual_adds_layer_input():
    # A hidden layer of matching width adds its input: x_1 = relu(layer_0(x)) + x. The
    # last layer adds none.
    torch.manual_seed(0)
    model = GNN("mlp", 3, 3, 2, num_layers=2, dropout=0.0, residual=True).eval()
    x = torch.randn(5, 3)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 5)
    first, last = model.layers[0].lin, model.layers[1].lin
    expected = last(torch.relu(first(x)) + x)
    assert_close(model(x, graph), expected)
    model.residual = False
    assert_close(model(x, graph), last(torch.relu(first(x))))


def test_gnn_layer_norm_applied():
    torch.manual_seed(0)
    model = GNN("mlp", 3, 4, 2, num_layers=2, dropout=0.0, norm="layer").eval()
    x = torch.randn(5, 3)
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 5)
    first, last = model.layers[0].lin, model.layers[1].lin
    hidden = torch.nn.functional.layer_norm(first(x), (4,))
    assert_close(model(x, graph), last(torch.relu(hidden)))


def test_gat_rejects_zero_heads():
    with pytest.raises(ValueError, match="heads must be at least 1, got 0"):
        GATConv(3, 4, heads=0)


@pytest.mark.parametrize("kind", KINDS)
def test_layer_rejects_bipartite_pair(kind):
    # PyG's layers accept (x_source, x_target) on bipartite graphs; graphkit's do not.
    ours, _ = make_pair(kind, 5, 4)
    x = torch.randn(4, 5)
    edge_index, n = small_graph()
    with pytest.raises(TypeError) as caught:
        ours((x, x), LocalGraph(edge_index, n))
    name = type(ours).__name__
    assert str(caught.value) == (
        f"{name} expects x to be a torch.Tensor, got tuple. graphkit layers take one "
        "feature row per node of the graph, so number the source and target nodes of "
        "a bipartite graph in one graph and stack their features"
    )


def test_message_layer_rejects_bipartite_pair():
    from graphkit.nn import MessagePassingLayer

    layer = MessagePassingLayer(torch.nn.Identity())
    edge_index, n = small_graph()
    x = torch.randn(n, 3)
    with pytest.raises(TypeError, match="MessagePassingLayer expects x to be a torch"):
        layer([x, x], LocalGraph(edge_index, n))


def test_gin_accepts_one_dimensional_features():
    # GINConv passes x to its own network, so [N] features stay valid, as in PyG.
    edge_index, n = small_graph()
    x = torch.arange(4.0)
    out = GINConv(torch.nn.Identity())(x, LocalGraph(edge_index, n))
    # In-edges: 0 <- 2, 1 <- 0 twice, 2 <- 1 and 3, 3 <- 3.
    assert out.tolist() == [2.0, 1.0, 6.0, 6.0]


@pytest.mark.parametrize("kind", ["gcn", "gat"])
def test_repeated_self_loop_counts_once(kind):
    # Node 1 has its self-loop three times and node 3 no edge at all. GCN and GAT
    # replace existing loops by one loop per node, as PyG's defaults do, so the
    # repeated loop weighs like a single one.
    edge_index = torch.tensor([[0, 1, 1, 1, 2], [1, 1, 1, 1, 0]])
    single = torch.tensor([[0, 1, 2], [1, 1, 0]])
    torch.manual_seed(0)
    ours, theirs = make_pair(kind, 5, 4)
    ours.load_state_dict(theirs.state_dict(), strict=True)
    x = torch.randn(4, 5)
    out = ours(x, LocalGraph(edge_index, 4))
    assert_close(out, ours(x, LocalGraph(single, 4)))
    assert_close(out, theirs(x, edge_index))
