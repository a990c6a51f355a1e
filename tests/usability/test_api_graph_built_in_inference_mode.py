"""A LocalGraph built under torch.inference_mode() trains like one built outside it.

Its block (destination pointers, sorted sources, permuted edge features) would
otherwise be inference tensors, and the plain path (fast=False, float16 on the CPU)
saves them for the backward pass, which fails with "Inference tensors cannot be saved
for backward".
"""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import GNN

# Directed edges 0 -> 1, 1 -> 2, 2 -> 0, 0 -> 2, with a self-loop on 1.
EDGE_INDEX = torch.tensor([[0, 1, 2, 0, 1], [1, 2, 0, 2, 1]])
EDGE_ATTR = torch.tensor([[1.0], [2.0], [3.0], [4.0], [5.0]])
X = torch.tensor([[1.0, 2.0], [3.0, 5.0], [7.0, 11.0]])


def _weighted_message(x_j, x_i, edge_attr):
    return x_j * edge_attr


OPERATIONS = {
    "sum": lambda graph, x: graph.aggregate(x, "sum"),
    "mean": lambda graph, x: graph.aggregate(x, "mean"),
    "max": lambda graph, x: graph.aggregate(x, "max"),
    "gcn": lambda graph, x: graph.gcn_aggregate(x),
    "propagate": lambda graph, x: graph.propagate(_weighted_message, x),
}


def _output_and_gradient(graph, operation):
    x = X.clone().requires_grad_()
    out = operation(graph, x)
    out.sum().backward()
    return out.detach(), x.grad


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_graph_from_inference_mode_trains(name, fast):
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, 3, edge_attr=EDGE_ATTR, fast=fast)
    fresh = LocalGraph(EDGE_INDEX, 3, edge_attr=EDGE_ATTR, fast=fast)
    out, grad = _output_and_gradient(graph, OPERATIONS[name])
    want_out, want_grad = _output_and_gradient(fresh, OPERATIONS[name])
    assert torch.equal(out, want_out)
    assert torch.equal(grad, want_grad)


def test_propagate_gradient_values():
    # Node j's gradient sums the weights of its out-edges: 0 -> 1 (1) and 0 -> 2 (4),
    # 1 -> 2 (2) and 1 -> 1 (5), and 2 -> 0 (3).
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, 3, edge_attr=EDGE_ATTR, fast=False)
    _, grad = _output_and_gradient(graph, OPERATIONS["propagate"])
    assert grad.tolist() == [[5.0, 5.0], [7.0, 7.0], [3.0, 3.0]]


@pytest.mark.parametrize("model", ["sage", "gin"])
def test_model_on_graph_from_inference_mode(model):
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, 3, fast=False)
    torch.manual_seed(0)
    net = GNN(model, 2, 4, 2, dropout=0.0)
    net(X, graph).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
