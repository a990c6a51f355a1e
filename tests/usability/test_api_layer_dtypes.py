"""GCN, SAGE and GAT layers name the fix for features of another dtype than their weights."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GATConv, GCNConv, SAGEConv

LAYERS = {
    "GCNConv": lambda: GCNConv(4, 2),
    "SAGEConv": lambda: SAGEConv(4, 2),
    "SAGEConv-max": lambda: SAGEConv(4, 8, "max"),
    "GATConv": lambda: GATConv(4, 2, heads=2),
}


def _graph() -> LocalGraph:
    return LocalGraph(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float16])
def test_other_float_dtype_named(name, dtype):
    layer = LAYERS[name]()
    caller = name.split("-")[0]
    with pytest.raises(TypeError) as error:
        layer(torch.randn(3, 4, dtype=dtype), _graph())
    assert str(error.value) == (
        f"{caller}: x is {dtype} but the layer's weights are torch.float32. Convert x "
        f"with x.to(torch.float32), or the layer with layer.to({dtype})"
    )


@pytest.mark.parametrize("name", LAYERS)
def test_integer_features_named(name):
    caller = name.split("-")[0]
    with pytest.raises(TypeError) as error:
        LAYERS[name]()(torch.ones(3, 4, dtype=torch.long), _graph())
    assert str(error.value) == (
        f"{caller}: x must be a floating-point tensor, got torch.int64. Convert it "
        "with x.float()"
    )


@pytest.mark.parametrize("name", LAYERS)
def test_converted_layer_accepts_float64(name):
    torch.manual_seed(0)
    layer = LAYERS[name]()
    x = torch.randn(3, 4)
    expected = layer(x, _graph()).double()
    out = layer.double()(x.double(), _graph())
    assert out.dtype == torch.float64
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", LAYERS)
def test_autocast_accepts_bfloat16(name):
    layer = LAYERS[name]()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(torch.randn(3, 4, dtype=torch.bfloat16), _graph())
    assert out.shape[0] == 3
