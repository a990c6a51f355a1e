"""fit_linear_gcn checks y and train_mask before it builds the design matrix."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn

CONFIG = NodeClassConfig(hops=1, wys_rank=0, pca_dim=0, svd_rank=2, oversample=0)


def _data(**fields) -> Data:
    data = Data(
        x=torch.eye(6),
        y=torch.tensor([0, 1, 0, 1, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]),
        train_mask=torch.tensor([True] * 6),
    )
    for name, value in fields.items():
        data[name] = value
    return data


@pytest.mark.parametrize("name", ["y", "train_mask"])
def test_short_field_rejected(name):
    data = _data()
    data[name] = data[name][:4]
    with pytest.raises(ValueError, match=f"data.{name} must have one row per node"):
        fit_linear_gcn(data, CONFIG)


def test_integer_mask_rejected():
    with pytest.raises(TypeError, match="data.train_mask must be a bool tensor"):
        fit_linear_gcn(_data(train_mask=torch.ones(6, dtype=torch.long)), CONFIG)


def test_float_labels_rejected():
    with pytest.raises(TypeError, match="data.y must contain integer class ids"):
        fit_linear_gcn(_data(y=torch.tensor([0.0, 1, 0, 1, 0, 1])), CONFIG)


def test_integer_features_match_float():
    """Integer features, such as word counts, are converted to float32."""
    as_int = fit_linear_gcn(_data(x=torch.eye(6, dtype=torch.long)), CONFIG)
    as_float = fit_linear_gcn(_data(), CONFIG)
    assert torch.equal(as_int.weight, as_float.weight)
