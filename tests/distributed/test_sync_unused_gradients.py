"""Gradient all-reduce keeps the gradient of a parameter that no rank used unset.

In one process such a parameter keeps ``grad = None``, so Adam skips it (no momentum
step, no weight decay). A zero gradient from the all-reduce would move it anyway.
"""

import pytest
import torch
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed


class ThreeParameters(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.everywhere = nn.Parameter(torch.zeros(2))
        self.rank_one_only = nn.Parameter(torch.zeros(2))
        self.nowhere = nn.Parameter(torch.zeros(2))


def sync_and_step(rank: int, world_size: int):
    """Sum gradients, take one AdamW step, and return the gradients and ``nowhere``."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = ThreeParameters()
    model.everywhere.grad = torch.full((2,), float(rank + 1))
    if rank == 1:
        model.rank_one_only.grad = torch.tensor([5.0, -5.0])
    graph.sync_gradients(model)
    grads = {
        name: None if p.grad is None else p.grad.tolist()
        for name, p in model.named_parameters()
    }
    with torch.no_grad():
        model.nowhere.fill_(1.0)
    torch.optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.5).step()
    return grads, model.nowhere.tolist()


def test_unused_parameter_keeps_no_gradient():
    for grads, nowhere in run_world(sync_and_step, 2):
        assert grads["everywhere"] == [3.0, 3.0]
        assert grads["rank_one_only"] == [5.0, -5.0]
        assert grads["nowhere"] is None
        # AdamW skips a parameter without gradient, weight decay included.
        assert nowhere == [1.0, 1.0]
