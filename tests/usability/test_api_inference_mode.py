"""A LocalGraph first used under torch.inference_mode() still trains afterwards.

The graph caches per-edge tensors (destination ids, mean and GCN weights, the graph
with self-loops) on first use. Built inside inference mode, they would be inference
tensors, and the next training step would fail with "Inference tensors cannot be saved
for backward".
"""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import GNN

# Directed edges 0 -> 1, 1 -> 2, 2 -> 0, 0 -> 2, with a self-loop on 1.
EDGE_INDEX = torch.tensor([[0, 1, 2, 0, 1], [1, 2, 0, 2, 1]])
EDGE_ATTR = torch.tensor([[1.0], [2.0], [3.0], [4.0], [5.0]])
NUM_NODES = 3


def _weighted_message(x_j, x_i, edge_attr):
    return x_j * edge_attr


OPERATIONS = {
    "sum": lambda graph, x: graph.aggregate(x, "sum"),
    "mean": lambda graph, x: graph.aggregate(x, "mean"),
    "max": lambda graph, x: graph.aggregate(x, "max"),
    "gcn": lambda graph, x: graph.gcn_aggregate(x),
    "attend": lambda graph, x: graph.attend(x.view(NUM_NODES, 1, 2), x[:, :1], x[:, 1:]),
    "propagate": lambda graph, x: graph.propagate(_weighted_message, x),
}


def _input_gradient(graph, operation, x):
    x = x.clone().requires_grad_()
    operation(graph, x).sum().backward()
    return x.grad


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_training_after_inference_mode(name, fast):
    operation = OPERATIONS[name]
    x = torch.tensor([[1.0, 2.0], [3.0, 5.0], [7.0, 11.0]])
    graph = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR, fast=fast)
    with torch.inference_mode():
        first = operation(graph, x)
    grad = _input_gradient(graph, operation, x)
    fresh = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR, fast=fast)
    assert torch.equal(first, operation(fresh, x))
    assert torch.equal(grad, _input_gradient(fresh, operation, x))


def test_propagate_gradient_values():
    # Node j's gradient sums the weights of its out-edges: 0 -> 1 (1) and 0 -> 2 (4),
    # 1 -> 2 (2) and 1 -> 1 (5), and 2 -> 0 (3).
    graph = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR)
    x = torch.ones(NUM_NODES, 1)
    with torch.inference_mode():
        graph.propagate(_weighted_message, x)
    grad = _input_gradient(graph, OPERATIONS["propagate"], x)
    assert grad.flatten().tolist() == [5.0, 7.0, 3.0]


def test_float16_model_after_inference_mode():
    # float16 CPU inputs take the plain path, which saves the cached tensors.
    graph = LocalGraph(EDGE_INDEX, NUM_NODES)
    model = GNN("gcn", 2, 4, 2, dropout=0.0).half()
    x = torch.ones(NUM_NODES, 2, dtype=torch.float16)
    with torch.inference_mode():
        model(x, graph)
    model(x, graph).float().sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    # The gradients equal those of the same model on a graph never used in inference.
    expected = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    model(x, LocalGraph(EDGE_INDEX, NUM_NODES)).float().sum().backward()
    for parameter, gradient in zip(model.parameters(), expected):
        assert torch.equal(parameter.grad, gradient)


# A graph built inside inference mode would hold an inference-tensor block, which the
# plain path (fast=False, float16 on the CPU) saves for the backward pass.
@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_graph_built_in_inference_mode_trains(name, fast):
    operation = OPERATIONS[name]
    x = torch.tensor([[1.0, 2.0], [3.0, 5.0], [7.0, 11.0]])
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR, fast=fast)
    fresh = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR, fast=fast)
    assert torch.equal(operation(graph, x), operation(fresh, x))
    assert torch.equal(
        _input_gradient(graph, operation, x), _input_gradient(fresh, operation, x)
    )


def test_graph_built_in_inference_mode_gradient_values():
    # Node j's gradient sums the weights of its out-edges, as in the test above.
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, NUM_NODES, edge_attr=EDGE_ATTR, fast=False)
    grad = _input_gradient(graph, OPERATIONS["propagate"], torch.ones(NUM_NODES, 1))
    assert grad.flatten().tolist() == [5.0, 7.0, 3.0]


@pytest.mark.parametrize("model", ["sage", "gin"])
def test_model_on_graph_built_in_inference_mode(model):
    with torch.inference_mode():
        graph = LocalGraph(EDGE_INDEX, NUM_NODES, fast=False)
    torch.manual_seed(0)
    net = GNN(model, 2, 4, 2, dropout=0.0)
    net(torch.ones(NUM_NODES, 2), graph).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    expected = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    fresh = LocalGraph(EDGE_INDEX, NUM_NODES, fast=False)
    net(torch.ones(NUM_NODES, 2), fresh).sum().backward()
    for parameter, gradient in zip(net.parameters(), expected):
        assert torch.equal(parameter.grad, gradient)
