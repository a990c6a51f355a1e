"""Every model gives finite outputs and gradients on a graph without edges."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn import GNN


@pytest.mark.parametrize(
    "kind", ["gcn", "sage", "sage-max", "gat", "gin", "edgeconv", "pgcn"]
)
def test_model_finite_without_edges(kind):
    graph = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 3)
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    model = GNN(kind, 4, 8, 2, num_layers=2, dropout=0.0)
    out = model(x, graph)
    out.sum().backward()
    assert bool(torch.isfinite(out).all())
    if kind != "pgcn":  # PGCN mixes all nodes through its lattice, without edges too.
        # Without edges no node sees another, so each node alone gives its own row.
        alone = LocalGraph(torch.zeros(2, 0, dtype=torch.long), 1)
        rows = [model(x[i : i + 1], alone) for i in range(3)]
        assert_close(out, torch.cat(rows))
    for name, parameter in model.named_parameters():
        if parameter.grad is not None:
            assert bool(torch.isfinite(parameter.grad).all()), name
