"""Message-passing layer: hand-worked values, and the lean path against the plain one."""

import pytest
import torch
from torch.testing import assert_close

from graphkit.kg.aggregate import aggregate_lean, aggregate_plain
from graphkit.kg.layer import RelationalConv

# (receiver, sender, type) edges of a 5-node graph; messages flow sender -> receiver.
EDGES = [(0, 1, 0), (0, 2, 1), (1, 3, 0), (2, 0, 1), (4, 3, 1), (4, 2, 0)]


def hand_layer(aggregation):
    layer = RelationalConv(
        2, num_relations=2, layer_norm=False, aggregation=aggregation
    )
    with torch.no_grad():
        layer.linear.weight.copy_(torch.tensor([[1.0, 0, 1, 0], [0, 1, 0, 1]]))  # x + m
        layer.linear.bias.copy_(torch.tensor([-2.0, 0.0]))
        layer.relation.weight.copy_(torch.tensor([[1.0, 2.0], [0.5, -1.0]]))
    return layer


@pytest.mark.parametrize("aggregation", ["lean", "plain"])
def test_layer_hand_worked_values(aggregation):
    x = torch.tensor([[1.0, 0], [0, 1], [1, 1], [2, 0], [0, 0]]).unsqueeze(
        1
    )  # (V, 1, 2)
    boundary = torch.zeros_like(x)
    boundary[0, 0] = torch.tensor([1.0, 1.0])
    edges = torch.tensor(EDGES).t()
    out = hand_layer(aggregation)(x, boundary, edges[:2], edges[2])
    # m0 = x1*w0 + x2*w1 + b0 = [0,2] + [0.5,-1] + [1,1] = [1.5, 2]; m1 = x3*w0 = [2, 0]
    # m2 = x0*w1 = [0.5, 0]; m3 = 0; m4 = x3*w1 + x2*w0 = [1, 0] + [1, 2] = [2, 2]
    # out = relu(x + m + [-2, 0])
    expected = torch.tensor(
        [[0.5, 2.0], [0.0, 1.0], [0.0, 1.0], [0.0, 0.0], [0.0, 2.0]]
    )
    assert_close(out.squeeze(1), expected)


def test_layer_norm_of_two_features_is_plus_minus_one():
    layer = hand_layer("lean")
    layer.layer_norm = torch.nn.LayerNorm(2)
    x = torch.tensor([[3.0, 1.0]]).unsqueeze(1)
    no_edges = torch.zeros(2, 0, dtype=torch.long)
    out = layer(
        x, x, no_edges, torch.zeros(0, dtype=torch.long)
    )  # boundary = x, so m = x
    # pre-norm x + m + [-2, 0] = [3 + 3 - 2, 1 + 1] = [4, 2] -> normalised to [1, -1] -> ReLU [1, 0]
    assert_close(out.squeeze(), torch.tensor([1.0, 0.0]), atol=1e-4, rtol=0)


def random_graph(seed, num_nodes=9, num_edges=40, num_types=5):
    generator = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(num_nodes, (2, num_edges), generator=generator)
    edge_type = torch.randint(num_types, (num_edges,), generator=generator)
    return edge_index, edge_type


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_lean_and_plain_aggregation_agree(shared, chunk_size):
    edge_index, edge_type = random_graph(0)
    torch.manual_seed(0)
    x = torch.randn(9, 3, 4, requires_grad=True)
    relation = torch.randn(5, 1 if shared else 3, 4, requires_grad=True)
    grad = torch.randn(9, 3, 4)
    plain = aggregate_plain(x, relation, edge_index, edge_type)
    plain_grads = torch.autograd.grad(plain, (x, relation), grad)
    lean = aggregate_lean(x, relation, edge_index, edge_type, chunk_size=chunk_size)
    lean_grads = torch.autograd.grad(lean, (x, relation), grad)
    assert_close(lean, plain)
    assert_close(lean_grads[0], plain_grads[0])
    assert_close(lean_grads[1], plain_grads[1])


def test_lean_aggregation_passes_gradcheck():
    edge_index, edge_type = random_graph(1, num_nodes=4, num_edges=10, num_types=2)
    x = torch.randn(4, 2, 3, dtype=torch.double, requires_grad=True)
    relation = torch.randn(2, 2, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b: aggregate_lean(a, b, edge_index, edge_type, chunk_size=3),
        (x, relation),
    )


def test_receiver_is_row_zero():
    x = torch.tensor([[1.0], [10.0]]).unsqueeze(1)  # node 0 -> 1, node 1 -> 10
    relation = torch.ones(1, 1, 1)
    edge = torch.tensor([[0], [1]])  # stored edge (0, 1): node 0 receives from node 1
    out = aggregate_lean(x, relation, edge, torch.zeros(1, dtype=torch.long))
    assert out.flatten().tolist() == [10.0, 0.0]


def _autograd_node_names(tensor):
    names, stack, seen = set(), [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.add(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return names


def test_layer_backward_copies_no_view():
    torch.manual_seed(0)
    layer = RelationalConv(4, project_relations=True).double()
    x = torch.randn(5, 3, 4, dtype=torch.double, requires_grad=True)
    relation = torch.randn(3, 2, 4, dtype=torch.double, requires_grad=True)
    edge_index = torch.tensor([[0, 1, 2, 4], [1, 2, 3, 0]])
    edge_type = torch.tensor([0, 1, 0, 1])
    out = layer(x, x, edge_index, edge_type, relation)
    # An in-place add to the view that F.linear returns for 3-D input would turn into
    # a CopySlices node, which copies the whole (V, B, d) tensor in backward.
    assert "CopySlices" not in _autograd_node_names(out)
    # The reference applies the layer's linear map once, to the concatenation [x || m].
    messages = aggregate_plain(
        x, layer.relation_vectors(relation), edge_index, edge_type
    )
    expected = layer.linear(torch.cat([x, messages + x], dim=-1))
    expected = torch.relu(layer.layer_norm(expected))
    assert_close(out, expected, rtol=1e-12, atol=1e-12)
    grad = torch.randn_like(out)
    got = torch.autograd.grad(out, (x, relation), grad)
    want = torch.autograd.grad(expected, (x, relation), grad)
    assert_close(got[0], want[0], rtol=1e-12, atol=1e-12)
    assert_close(got[1], want[1], rtol=1e-12, atol=1e-12)
