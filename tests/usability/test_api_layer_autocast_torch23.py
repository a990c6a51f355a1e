"""Layers under CPU autocast with torch 2.3's is_autocast_enabled, which takes no device.

setup.py allows torch 2.3, whose ``torch.is_autocast_enabled()`` reads the CUDA
setting only and raises TypeError for a device argument. The layers' module gets a
``torch`` whose function has that signature, so the test checks that their dtype
check still detects CPU autocast there. torch's own autocast keeps the real function.
"""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, conv

# The torch 2.3 branch reads torch.is_autocast_cpu_enabled, which torch 2.13 deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:torch.is_autocast_cpu_enabled:DeprecationWarning"
)


class _Torch23:
    """The torch module, but with torch 2.3's is_autocast_enabled."""

    def __getattr__(self, name):
        return getattr(torch, name)

    @staticmethod
    def is_autocast_enabled(*args) -> bool:
        if args:
            raise TypeError(
                "is_autocast_enabled() takes 0 positional arguments but 1 was given"
            )
        return torch.is_autocast_enabled("cuda")


@pytest.mark.parametrize("model", ["gcn", "sage", "gat"])
def test_two_layers_under_cpu_autocast(monkeypatch, model):
    graph = LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)
    torch.manual_seed(0)
    net = GNN(model, 4, 8, 2, num_layers=2).eval()
    x = torch.randn(3, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        expected = net(x, graph)
        monkeypatch.setattr(conv, "torch", _Torch23())
        # The second layer gets the bfloat16 output of the first, and float32 weights.
        out = net(x, graph)
    assert torch.equal(out, expected)


def test_float64_input_still_named_without_autocast(monkeypatch):
    monkeypatch.setattr(conv, "torch", _Torch23())
    graph = LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)
    net = GNN("gcn", 4, 8, 2, num_layers=2)
    with pytest.raises(TypeError, match="x is torch.float64 but the layer's weights"):
        net(torch.randn(3, 4, dtype=torch.float64), graph)
