"""Multi-label training with ``--device cuda`` matches a CPU run (simulated CUDA, no GPU)."""

import pytest
import torch
from simulated_cuda import SimulatedCuda

from graphkit.datasets.synthetic import synthetic_csbm
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, metrics
from graphkit.train import epoch_record as epoch_record_module
from graphkit.train import trainer as trainer_module


@pytest.fixture
def no_cuda_runtime(monkeypatch):
    """Replace the trainer's calls into torch.cuda, which need a CUDA build."""
    monkeypatch.setattr(trainer_module, "reset_peak_cuda_bytes", lambda device: None)
    monkeypatch.setattr(epoch_record_module, "peak_cuda_bytes", lambda device: 0)


def train(device: str, metric: str) -> list:
    """Return the loss and scores of three epochs on a 4-task graph with -1 entries."""
    data = synthetic_csbm(num_nodes=120, num_classes=4, num_features=8, seed=4)
    c = data.y
    data.y = torch.stack([c == 0, c <= 1, c % 2 == 1, c == 3], 1).long()
    data.y[::6, 1] = -1
    data = data.to(device)
    config = TrainConfig(epochs=3, hidden=8, patience=0, metric=metric)
    trainer = trainer_module.Trainer(config, data, LocalGraph.from_data(data))
    history = []
    for _ in range(3):
        history.append(trainer.train_step())
        history.append(trainer.evaluate())
    return history


@pytest.mark.parametrize("auc_bins", [None, 20], ids=["exact", "binned"])
@pytest.mark.parametrize("metric", ["roc_auc", "accuracy"])
def test_multi_label_cuda_matches_cpu(metric, auc_bins, no_cuda_runtime, monkeypatch):
    if auc_bins is not None:
        # The 60 training nodes exceed 2 * 20 and take the histogram path.
        monkeypatch.setattr(metrics, "AUC_BINS", auc_bins)
    expected = train("cpu", metric)
    with SimulatedCuda():
        got = train("cuda", metric)
    assert got == expected
