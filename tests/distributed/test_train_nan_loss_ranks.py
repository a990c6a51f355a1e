"""A NaN training loss on one rank stops both ranks at the same epoch."""

import pytest
from torch import nn

from graphkit.datasets.graph_tensors import GraphTensors
from graphkit.datasets.synthetic import synthetic_csbm
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.nn.models import GNN
from graphkit.train import TrainConfig, Trainer

from harness import run_world

pytestmark = pytest.mark.distributed


class NanOnRankAt(nn.Module):
    """A GCN whose training forward pass number ``step`` returns NaN on rank ``rank``."""

    def __init__(self, rank: int, step: int, features: int, classes: int):
        super().__init__()
        self.gnn = GNN("gcn", features, 8, classes, 2, 0.0)
        self.rank, self.step, self.calls = rank, step, 0

    def forward(self, x, graph):
        logits = self.gnn(x, graph)
        if self.training:
            self.calls += 1
            if graph.rank == self.rank and self.calls == self.step:
                return logits * float("nan")
        return logits


def train_rank(rank: int, world_size: int, folder: str):
    data = synthetic_csbm(num_nodes=200, num_classes=4, num_features=8, seed=1)
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    local = GraphTensors(num_nodes=int(payload["global_ids"].numel()))
    for name in ("x", "y", "train_mask", "val_mask", "test_mask"):
        local[name] = payload[name]
    config = TrainConfig(epochs=5, log_every=100, patience=0, out=folder,
                         checkpoint_every=1, timeout_s=30)
    trainer = Trainer(config, local, graph, NanOnRankAt(1, 3, 8, 4))
    try:
        trainer.fit()
    except FloatingPointError as error:
        return str(error), trainer.epoch
    return None, trainer.epoch


def test_nan_loss_on_one_rank_stops_both(tmp_path):
    folder = str(tmp_path / "run")
    results = run_world(train_rank, 2, folder, join_s=120)
    for message, epoch in results:
        assert message is not None
        assert message.startswith("the training loss of epoch 3 is nan")
        assert epoch == 3
    assert results[0] == results[1]
    # Rank 0 writes the files: the checkpoints of epochs 1 and 2 and the best weights.
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert names == ["best_model.pt", "checkpoint_000001.pt", "checkpoint_000002.pt",
                     "metrics.jsonl"]
