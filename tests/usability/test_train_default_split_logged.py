"""Training a dataset with several splits and no --split logs that split 0 is used."""

import logging

import torch
from torch_geometric.data import Data

from graphkit.train.trainer import masks_for_split


def _data() -> Data:
    masks = torch.zeros(4, 3, dtype=torch.bool)
    return Data(
        x=torch.ones(4, 1), y=torch.zeros(4, dtype=torch.long),
        train_mask=masks.clone(), val_mask=masks.clone(), test_mask=masks.clone(),
    )


def _split_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "split is not set" in r.getMessage()]


def test_unset_split_logs_choice(caplog):
    with caplog.at_level(logging.INFO, logger="graphkit.train.trainer"):
        data = masks_for_split(_data(), None)
    logs = _split_logs(caplog)
    assert len(logs) == 1
    assert "the dataset has 3 splits" in logs[0]
    assert "uses split 0" in logs[0]
    assert data.train_mask.dim() == 1


def test_explicit_split_no_log(caplog):
    with caplog.at_level(logging.INFO, logger="graphkit.train.trainer"):
        masks_for_split(_data(), 2)
    assert _split_logs(caplog) == []
