"""Trainer warns when TrainConfig.device names a device type other than data.x's."""

import logging

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_data():
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]])
    masks = torch.tensor([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=torch.bool)
    return Data(x=torch.randn(4, 3), y=torch.tensor([0, 0, 1, 1]),
                edge_index=edge_index, train_mask=masks[0], val_mask=masks[1],
                test_mask=masks[2], num_nodes=4)  # fmt: skip


def device_warnings(caplog, device):
    data = tiny_data()
    with caplog.at_level(logging.WARNING, logger="graphkit.train.rank_checks"):
        config = TrainConfig(device=device, epochs=1, metric="accuracy")
        Trainer(config, data, LocalGraph.from_data(data))
    return [r.getMessage() for r in caplog.records if "data.x is on" in r.getMessage()]


def test_cuda_option_with_cpu_data_warns(caplog):
    assert device_warnings(caplog, "cuda") == [
        (
            "device='cuda', but data.x is on cpu, so the Trainer trains on cpu. To "
            "train on cuda, move the data (data = data.to('cuda')) before building "
            "the graph and the Trainer"
        )
    ]


@pytest.mark.parametrize("device", ["auto", "cpu"])
def test_matching_device_is_quiet(caplog, device):
    assert device_warnings(caplog, device) == []


def test_auto_on_cuda_machine_warns(caplog, monkeypatch):
    # "auto" picks cuda where CUDA is available, so CPU data there trains on the CPU.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device_warnings(caplog, "auto") == [
        (
            "device='auto' (here cuda), but data.x is on cpu, so the Trainer trains "
            "on cpu. To train on cuda, move the data (data = data.to('cuda')) before "
            "building the graph and the Trainer"
        )
    ]
