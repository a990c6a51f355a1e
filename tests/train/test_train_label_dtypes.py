"""Trainer accepts class ids of every integer dtype, as numpy may give int32."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def _data(dtype, n=8, classes=3):
    masks = torch.zeros(3, n, dtype=torch.bool)
    masks[0, :4], masks[1, 4:6], masks[2, 6:] = True, True, True
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        y=(torch.arange(n) % classes).to(dtype),
        edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


def _summary(data, **options):
    config = TrainConfig(epochs=2, hidden=4, patience=0, **options)
    return Trainer(config, data, LocalGraph.from_data(data)).fit()


@pytest.mark.parametrize("dtype", [torch.int32, torch.int16, torch.uint8])
def test_integer_labels_match_int64(dtype):
    assert _summary(_data(dtype)) == _summary(_data(torch.int64))


def test_int32_binary_labels_use_roc_auc():
    summary = _summary(_data(torch.int32, classes=2))
    assert summary["metric"] == "roc_auc"
