"""Multi-label training on 2 and 3 ranks gives the losses, gradients and metrics of one process."""

import pytest
import torch

from graphkit.datasets.graph_tensors import GraphTensors
from graphkit.datasets.synthetic import synthetic_csbm
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.files import write_partitions
from graphkit.distributed.runtime import build_partition, communicator
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer, metrics
from graphkit.train.multilabel_metrics import MULTI_LABEL_METRICS

from harness import run_world

pytestmark = pytest.mark.distributed

SPLITS = ("train", "val", "test")


def multi_label_graph():
    """300 CSBM nodes with four tasks derived from the class, some entries unlabelled.

    The splits have 150, 75 and 75 nodes.
    """
    data = synthetic_csbm(num_nodes=300, num_classes=4, num_features=8, seed=2)
    c = data.y
    y = torch.stack([c == 0, c <= 1, c % 2 == 1, c == 3], 1).long()
    y[::7, 2] = -1
    y[::5, 0] = -1
    data.y = y
    return data


def config(metric: str) -> TrainConfig:
    return TrainConfig(epochs=3, hidden=8, dropout=0.0, model="sage", lr=0.05, metric=metric)


def run_trainer(data, graph, metric: str):
    """Return three steps' losses, the last gradients, and every metric per split.

    Gradients are nested lists, because a tensor sent through the result queue of a
    rank that has exited cannot be received.
    """
    trainer = Trainer(config(metric), data, graph)
    losses = [trainer.train_step() for _ in range(3)]
    gradients = [p.grad.tolist() for p in trainer.model.parameters()]
    scores = trainer.evaluate()
    with torch.no_grad():
        logits = trainer.model(data.x, graph)
    for name, metric_fn in MULTI_LABEL_METRICS.items():
        for split in SPLITS:
            mask = getattr(data, f"{split}_mask")
            scores[f"{split}_{name}"] = metric_fn(logits, trainer.labels, mask, graph)
    return losses, gradients, scores


def parts_for(data, world_size: int) -> torch.Tensor:
    if world_size == 2:
        return partition_nodes(data.edge_index, data.num_nodes, 2, "random")
    # Rank 1 gets no node, so its labels have shape [0, 4].
    parts = torch.zeros(data.num_nodes, dtype=torch.long)
    parts[data.num_nodes // 2 :] = world_size - 1
    return parts


def local_partition(rank: int, world_size: int):
    """Return this rank's graph and node data, partitioned in memory."""
    data = multi_label_graph()
    parts = parts_for(data, world_size)
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload)
    local = GraphTensors(num_nodes=int(payload["global_ids"].numel()))
    for name in ("x", "y", *(f"{split}_mask" for split in SPLITS)):
        local[name] = payload[name]
    return graph, local


def train_rank(rank: int, world_size: int, auc_bins: int | None, metric: str, folder):
    """Train on this rank's partition, read from ``folder`` if given, else built in memory."""
    if auc_bins is not None:
        metrics.AUC_BINS = auc_bins
    if folder is not None:
        graph, local = build_partition(TrainConfig(partitions=folder), rank, world_size)
    else:
        graph, local = local_partition(rank, world_size)
    return run_trainer(local, graph, metric)


def train_with_fewer_tasks_on_rank_1(rank: int, world_size: int):
    """Return the error of a trainer whose rank 1 has 3 label columns and rank 0 has 4."""
    graph, local = local_partition(rank, world_size)
    if rank == 1:
        local["y"] = local["y"][:, :3]
    try:
        Trainer(config("roc_auc"), local, graph)
    except ValueError as error:
        return str(error)
    return "no error"


@pytest.mark.parametrize("world_size", [2, 3])
@pytest.mark.parametrize(
    "auc_bins, metric",
    [(None, "roc_auc"), (50, "accuracy")],
    ids=["exact-auc", "binned-auc"],
)
def test_multi_label_ranks_match_one_process(
    world_size, auc_bins, metric, monkeypatch, tmp_path
):
    # With AUC_BINS = 50 the 150 training nodes take the histogram path and the 75
    # validation and test nodes the exact one.
    if auc_bins is not None:
        monkeypatch.setattr(metrics, "AUC_BINS", auc_bins)
    data = multi_label_graph()
    want_losses, want_gradients, want_scores = run_trainer(
        data, LocalGraph.from_data(data), metric
    )
    folder = None
    if world_size == 2:
        # Two ranks read a partition folder, as graphkit train --partitions does.
        folder = str(tmp_path / "parts")
        write_partitions(data, parts_for(data, world_size), world_size, folder)
    results = run_world(train_rank, world_size, auc_bins, metric, folder)
    for rank, (losses, gradients, scores) in enumerate(results):
        assert losses == pytest.approx(want_losses, abs=1e-6), rank
        for got, want in zip(gradients, want_gradients):
            got, want = torch.tensor(got), torch.tensor(want)
            torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-5)
        # The loss sums float32 terms in another order, and the metrics come from
        # float64 scores of the same logits.
        assert scores.pop("val_loss") == pytest.approx(want_scores["val_loss"], abs=1e-6)
        metric_scores = {k: v for k, v in want_scores.items() if k != "val_loss"}
        assert scores == pytest.approx(metric_scores, abs=1e-9), rank


def test_task_count_mismatch_rejected_on_every_rank():
    errors = run_world(train_with_fewer_tasks_on_rank_1, 2)
    assert errors[0] == (
        "data.y has 4 tasks (columns) on rank 0, but the ranks have 3 to 4. Give every "
        "partition the same label columns"
    )
    assert errors[1].startswith("data.y has 3 tasks (columns) on rank 1")
