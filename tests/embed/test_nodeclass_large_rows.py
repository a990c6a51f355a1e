"""Training rows too large to form explicitly for dropout copies."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.embed import nodeclass
from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn


def ring(n: int = 40) -> Data:
    generator = torch.Generator().manual_seed(0)
    nodes = torch.arange(n)
    return Data(
        x=torch.randn(n, 4, generator=generator),
        edge_index=torch.stack([nodes, (nodes + 1) % n]),
        y=nodes % 2,
        train_mask=nodes < 30,
    )


def test_dropout_copies_name_command_line_option(monkeypatch):
    # 30 training rows x 3 hops x 4 features = 360 entries, over the lowered limit.
    monkeypatch.setattr(nodeclass, "MAX_EXPLICIT_ENTRIES", 100)
    config = NodeClassConfig(hops=2, wys_rank=0, pca_dim=0, oversample=2)
    with pytest.raises(ValueError, match=r"--dropout-copies 0 on the command line"):
        fit_linear_gcn(ring(), config)


def test_implicit_rows_without_dropout_copies(monkeypatch):
    config = NodeClassConfig(
        hops=2, wys_rank=0, pca_dim=0, oversample=2, dropout_copies=0
    )
    explicit = fit_linear_gcn(ring(), config)
    monkeypatch.setattr(nodeclass, "MAX_EXPLICIT_ENTRIES", 100)
    solution = fit_linear_gcn(ring(), config)
    assert solution.weight.shape == (12, 2)
    # Both forms of the training rows define the same least-squares problem.
    assert_close(solution.weight, explicit.weight, atol=1e-5, rtol=1e-5)
