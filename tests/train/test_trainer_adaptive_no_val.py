"""The adaptive compression schedule needs validation nodes, as the plateau lr schedule does."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed.compression import (
    AdaptiveSchedule,
    Compression,
    RandomProjectionCodec,
    StepSchedule,
)
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_graph(with_val: bool) -> Data:
    n = 8
    train = torch.arange(n) < 4
    val = ~train if with_val else torch.zeros(n, dtype=torch.bool)
    return Data(x=torch.randn(n, 3, generator=torch.Generator().manual_seed(1)),
                y=torch.arange(n) % 2,
                edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
                train_mask=train, val_mask=val, test_mask=~train, num_nodes=n)


def trainer(data, schedule, name: str) -> Trainer:
    config = TrainConfig(epochs=1, hidden=4, metric="accuracy",
                         compression="random-projection", compression_schedule=name)
    graph = LocalGraph.from_data(data)
    # The trainer reads the compression that build_partition sets on a sharded graph.
    graph.compression = Compression(RandomProjectionCodec(), schedule, comm=None)
    return Trainer(config, data, graph)


def test_adaptive_without_validation_rejected():
    with pytest.raises(ValueError, match="compression_schedule='adaptive' needs the "):
        trainer(tiny_graph(with_val=False), AdaptiveSchedule(4), "adaptive")


def test_adaptive_with_validation_accepted():
    trainer(tiny_graph(with_val=True), AdaptiveSchedule(4), "adaptive")


def test_step_without_validation_accepted():
    trainer(tiny_graph(with_val=False), StepSchedule(4, end_epoch=2), "step")
