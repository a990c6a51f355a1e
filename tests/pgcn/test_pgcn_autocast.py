"""PGCNConv under CPU autocast: the global heads run in float32 inside the layer."""

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn.pgcn import PGCNConv


@pytest.mark.parametrize("exact", [False, True])
def test_autocast_matches_float32(exact):
    torch.manual_seed(0)
    edge_index = torch.randint(0, 30, (2, 90))
    graph = LocalGraph(edge_index, 30)
    x = torch.randn(30, 6)
    layer = PGCNConv(6, 4, heads=2, exact=exact)
    reference = layer(x, graph)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(x, graph)
    out.float().sum().backward()
    # bfloat16 keeps 8 significant bits, and the measured differences are below 1e-2.
    assert_close(out.float(), reference.detach(), atol=2e-2, rtol=2e-2)
    assert layer.lin_embed.weight.grad is not None
    assert bool(torch.isfinite(layer.lin_embed.weight.grad).all())
    assert float(layer.lin_embed.weight.grad.abs().sum()) > 0


def test_autocast_heads_return_values_dtype():
    # The heads filter in float32 and cast their output back to the bfloat16 of the
    # autocast values, and that output stays within bfloat16 rounding of float32.
    torch.manual_seed(0)
    x = torch.randn(30, 6)
    layer = PGCNConv(6, 4, heads=2, exact=True)
    with torch.no_grad():
        reference = layer.global_attention(x, layer.lin(x))
        with torch.autocast("cpu", dtype=torch.bfloat16):
            values = layer.lin(x)
            heads = layer.global_attention(x, values)
    assert values.dtype == torch.bfloat16
    assert heads.dtype == torch.bfloat16
    assert_close(heads.float(), reference, atol=2e-2, rtol=2e-2)
