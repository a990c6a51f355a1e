"""reset_parameters() re-initialises every layer and model stack, as PyG layers do."""

import math

import pytest
import torch
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.nn import (
    GNN,
    MODELS,
    EdgeConv,
    GATConv,
    GCNConv,
    GINConv,
    GraphBatchNorm,
    MessagePassingLayer,
    SAGEConv,
)
from graphkit.nn.pgcn import PGCNConv
from graphkit.nn.reset import reset_module

LAYERS = {
    "GCNConv": lambda: GCNConv(5, 3),
    "SAGEConv": lambda: SAGEConv(5, 3),
    "GATConv": lambda: GATConv(5, 3, heads=2),
    "GINConv": lambda: GINConv(nn.Linear(5, 3), train_eps=True),
    "EdgeConv": lambda: EdgeConv(nn.Linear(10, 3)),
    "MessagePassingLayer": lambda: MessagePassingLayer(nn.Linear(5, 3)),
    "PGCNConv": lambda: PGCNConv(5, 3),
    "GraphBatchNorm": lambda: GraphBatchNorm(3),
}


def _fill(module: nn.Module, value: float) -> None:
    with torch.no_grad():
        for tensor in list(module.parameters()) + list(module.buffers()):
            tensor.fill_(value)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_reset_changes_every_value(name):
    torch.manual_seed(0)
    fresh = LAYERS[name]()
    layer = LAYERS[name]()
    _fill(layer, 7.0)
    layer.reset_parameters()
    state = layer.state_dict()
    for key, value in fresh.state_dict().items():
        assert not (state[key] == 7).any(), f"{name}.{key} was not reset"
        if value.unique().numel() == 1:
            # Constants (bias 0, norm weight 1, eps, counters) return to their value.
            assert torch.equal(state[key], value), f"{name}.{key}"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_gnn_reset_changes_every_value(model):
    torch.manual_seed(0)
    stack = GNN(model, 5, 8, 3, num_layers=3, norm="batch")
    _fill(stack, 7.0)
    stack.reset_parameters()
    for key, value in stack.state_dict().items():
        assert not (value == 7).any(), f"{model}: {key} was not reset"
    out = stack.eval()(torch.randn(4, 5), LocalGraph(torch.tensor([[0, 1], [1, 2]]), 4))
    assert out.isfinite().all()


def test_reset_keeps_glorot_init_of_weights():
    # reset_module must stop at GCNConv and not reset its inner nn.Linear with torch's
    # default (Kaiming-uniform) initialisation.
    stack = nn.Sequential(GCNConv(5, 3))
    torch.manual_seed(3)
    reset_module(stack)
    torch.manual_seed(3)
    expected = nn.init.xavier_uniform_(torch.empty(3, 5))
    assert torch.equal(stack[0].lin.weight, expected)


def test_glorot_bound_after_reset():
    torch.manual_seed(0)
    layer = GATConv(40, 60)
    layer.reset_parameters()
    bound = math.sqrt(6 / (40 + 60))
    assert layer.lin.weight.abs().max() <= bound
    # This fails only if all 2400 uniform draws fall within 90% of the bound, which
    # has probability 0.9**2400.
    assert layer.lin.weight.abs().max() > 0.9 * bound


def test_gin_reset_restores_initial_eps():
    layer = GINConv(nn.Linear(2, 2), eps=0.25, train_eps=True)
    with torch.no_grad():
        layer.eps.fill_(3.0)
    layer.reset_parameters()
    assert layer.eps.item() == 0.25
    assert isinstance(layer.eps, nn.Parameter)


def test_batchnorm_reset_forgets_running_stats():
    norm = GraphBatchNorm(2)
    graph = LocalGraph(torch.tensor([[0], [1]]), 3)
    norm.train()(torch.tensor([[1.0, 2.0], [3.0, 5.0], [8.0, 0.0]]), graph)
    assert norm.num_batches_tracked.item() == 1
    norm.reset_parameters()
    assert torch.equal(norm.running_mean, torch.zeros(2))
    assert torch.equal(norm.running_var, torch.ones(2))
    assert norm.num_batches_tracked.item() == 0
