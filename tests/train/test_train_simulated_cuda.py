"""Single-process training with ``--device cuda`` matches a CPU run, on every model.

No GPU is needed: ``SimulatedCuda`` records the tensors created on ``"cuda"`` and raises
where a CUDA run would meet a CPU tensor. A simulated CUDA tensor keeps its data on the
CPU and draws from the CPU generator, so the metrics must equal the CPU run's exactly.
The calls into ``torch.cuda`` (peak memory, random state) are replaced for the test.
"""

import json

import pytest
import torch
from graphkit.launch.cmd_train import load_local
from graphkit.train import epoch_record as epoch_record_module
from graphkit.train import trainer as trainer_module
from graphkit.train.config import TrainConfig
from simulated_cuda import SimulatedCuda

CASES = [
    {"model": "gcn"},
    {"model": "sage"},
    {"model": "sage-max"},
    {"model": "gat", "attention_dropout": 0.3, "heads": 2},
    {"model": "gin"},
    {"model": "edgeconv"},
    {"model": "mlp"},
    {"model": "pgcn"},
    {"model": "gcn", "norm": "batch", "residual": True, "layers": 3},
    {"model": "sage", "norm": "layer", "lr_schedule": "plateau"},
]


@pytest.fixture
def no_cuda_runtime(monkeypatch):
    """Replace the trainer's calls into torch.cuda, which need a CUDA build."""
    monkeypatch.setattr(trainer_module, "reset_peak_cuda_bytes", lambda device: None)
    monkeypatch.setattr(epoch_record_module, "peak_cuda_bytes", lambda device: 0)
    monkeypatch.setattr(torch.cuda, "get_rng_state", lambda device=None: torch.ones(1))
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda state, device=None: None)


def train(device: str, out, epochs: int = 3, **options) -> list[dict]:
    """Train on the synthetic graph and return the records of metrics.jsonl."""
    torch.manual_seed(0)
    config = TrainConfig(
        dataset_options={"num_nodes": 60, "seed": 3},
        epochs=epochs,
        hidden=8,
        out=str(out),
        checkpoint_every=1,
        **options,
    )
    graph, data = load_local(config, device)
    trainer_module.Trainer(config, data, graph).fit()
    lines = (out / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def losses(records: list[dict]) -> list[float]:
    return [record["loss"] for record in records if "loss" in record]


@pytest.mark.parametrize("options", CASES, ids=lambda o: "-".join(map(str, o.values())))
def test_training_on_cuda_matches_cpu(options, tmp_path, no_cuda_runtime):
    expected = train("cpu", tmp_path / "cpu", **options)
    with SimulatedCuda():
        records = train("cuda", tmp_path / "cuda", **options)
    assert len(losses(records)) == 3
    assert losses(records) == losses(expected)


def test_resume_on_cuda_matches_cpu(tmp_path, no_cuda_runtime):
    expected = train("cpu", tmp_path / "cpu", epochs=4)
    with SimulatedCuda():
        train("cuda", tmp_path / "cuda", epochs=2)
        records = train("cuda", tmp_path / "cuda", epochs=4, resume="auto")
    assert len(losses(records)) == 4
    assert losses(records) == losses(expected)
