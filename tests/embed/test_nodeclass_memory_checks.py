"""isvd nodeclass rejects a --hops or --dropout-copies too large for memory early.

Without these checks, --dropout-copies 10^9 allocates copies until torch fails with
a C++ allocator traceback, and --hops 10^9 builds one product per hop before the SVD.
"""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed import memory_budget, nodeclass
from graphkit.embed.memory_budget import SketchMemoryError
from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn


def _data():
    edge_index = torch.tensor([[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]])
    train_mask = torch.ones(6, dtype=torch.bool)
    return Data(
        x=torch.eye(6, 3),
        edge_index=edge_index,
        y=torch.tensor([0, 1, 0, 1, 0, 1]),
        train_mask=train_mask,
    )


def test_huge_hops_rejected_before_building(monkeypatch):
    monkeypatch.setattr(memory_budget, "available_memory_bytes", lambda: 2**30)
    config = NodeClassConfig(
        hops=10**9, wys_rank=0, pca_dim=0, svd_rank=2, oversample=0, dropout_copies=0
    )
    with pytest.raises(SketchMemoryError) as caught:
        fit_linear_gcn(_data(), config)
    # 6 rows and (10^9 + 1) * 3 columns, with 2 sketch columns of float32.
    needed = (6 + 3 * (10**9 + 1)) * 2 * 4
    assert str(caught.value) == (
        f"a randomized SVD of a 6 x {3 * (10**9 + 1)} matrix with 2 sketch columns "
        f"needs at least {needed / 2**30:.1f} GiB, but only 1.0 GiB of memory is "
        "available. Lower hops=1000000000, dropout_copies=0 or svd_rank"
    )


def test_copies_beyond_memory_rejected(monkeypatch):
    monkeypatch.setattr(nodeclass, "available_memory_bytes", lambda: 1000)
    explicit = torch.zeros(4, 10)  # 160 bytes per copy
    with pytest.raises(ValueError) as caught:
        nodeclass._check_copies_memory(explicit, 100)
    assert str(caught.value) == (
        "dropout_copies=100 needs 101 copies of the 4 x 10 training rows, "
        f"{101 * 160 / 2**30:.4g} GiB, but {1000 / 2**30:.4g} GiB of memory is "
        "free. Pass dropout_copies=5 or fewer"
    )


def test_copies_within_memory_accepted(monkeypatch):
    monkeypatch.setattr(nodeclass, "available_memory_bytes", lambda: 1000)
    assert nodeclass._check_copies_memory(torch.zeros(4, 10), 5) is None


def test_design_check_caps_sketch_width(monkeypatch):
    # The 6 training rows and their 9 dropout copies give a 60 x 3 design matrix.
    # The SVD sketch has min(svd_rank + oversample, 60, 3) = 3 columns, which need
    # (60 + 3) * 3 * 4 = 756 bytes in float32. Uncapped, 2 + 20 columns need 5544.
    config = NodeClassConfig(
        hops=0, wys_rank=0, pca_dim=0, svd_rank=2, oversample=20, dropout_copies=9
    )
    monkeypatch.setattr(memory_budget, "available_memory_bytes", lambda: 756)
    solution = fit_linear_gcn(_data(), config)
    assert solution.weight.shape == (3, 2)
    monkeypatch.setattr(memory_budget, "available_memory_bytes", lambda: 755)
    with pytest.raises(SketchMemoryError, match=r"60 x 3 matrix with 3 sketch columns"):
        fit_linear_gcn(_data(), config)
