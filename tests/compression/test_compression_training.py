"""Compressed training through the trainer and the command line: schedules, bytes, logs."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world

pytestmark = pytest.mark.distributed

SMALL = {"num_nodes": 400, "num_features": 32}


def train(rank: int, world_size: int, options: dict, out: str) -> dict:
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    config = TrainConfig(
        epochs=6,
        hidden=32,
        parts_method="random",
        out=out if rank == 0 else None,
        dataset_options=SMALL,
        patience=0,
        **options,
    )
    graph, data = build_partition(config, rank, world_size)
    trainer = Trainer(config, data, graph)
    summary = trainer.fit()
    return {
        "summary": summary,
        "parameters": sorted(k for k, _ in trainer.model.named_parameters()),
    }


def records(folder: Path) -> list[dict]:
    return [
        json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()
    ]


def run_training(tmp_path, name: str, options: dict) -> list[dict]:
    out = tmp_path / name
    run_world(train, 2, options, str(out))
    return records(out)


def test_schedules_and_bytes_in_metrics(tmp_path):
    full = run_training(tmp_path, "none", {})
    assert "compression_ratio" not in full[0]
    step = run_training(
        tmp_path,
        "step",
        {
            "compression": "random-projection",
            "compression_schedule": "step",
            "compression_ratio": 4,
            "compression_end_epoch": 4,
            "compression_steps": 2,
            "compression_min_width": 1,
        },
    )
    assert [r["compression_ratio"] for r in step] == [4, 4, 2, 2, 1, 1]
    totals = [r["total_sent_bytes_all_ranks"] for r in step]
    epochs = [r["epoch_sent_bytes_all_ranks"] for r in step]
    assert totals == [sum(epochs[: i + 1]) for i in range(6)]
    # Ratio 4 sends fewer bytes than ratio 2, which sends fewer than none; at ratio 1 the
    # epoch costs what an uncompressed epoch costs, up to the accounting all-reduce.
    assert epochs[0] < epochs[2] < epochs[4]
    full_epoch = full[3]["sent_bytes"]
    assert step[4]["sent_bytes"] == pytest.approx(full_epoch, rel=0.01)
    # Epoch 2 at ratio 4 (epoch 1 also carries the set-up exchanges); gradient and metric
    # all-reduces are not compressed.
    assert step[1]["sent_bytes"] < 0.6 * full_epoch


@pytest.mark.parametrize("compression", ["learned", "quantize", "subsample"])
def test_every_compressor_trains(tmp_path, compression):
    options = {
        "compression": compression,
        "compression_schedule": "exp",
        "compression_end_epoch": 3,
        "model": "gat" if compression == "subsample" else "sage",
    }
    got = run_training(tmp_path, compression, options)
    assert got[-1]["compression_ratio"] == 1
    assert all(r["loss"] == r["loss"] for r in got)  # no NaN
    assert got[0]["epoch_sent_bytes_all_ranks"] < got[-1]["epoch_sent_bytes_all_ranks"]


def test_learned_codec_joins_the_model(tmp_path):
    options = {"compression": "learned", "compression_ratio": 4}
    for result in run_world(train, 2, options, str(tmp_path / "learned")):
        assert any(k.startswith("halo_codec.encoders.") for k in result["parameters"])


def test_readme_torchrun_example(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "graphkit.launch",
        "train",
        "--compression",
        "random-projection",
        "--compression-schedule",
        "exp",
        "--epochs",
        "4",
        "--out",
        str(tmp_path),
        "--dataset-options",
        "{num_nodes: 500}",
    ]
    result = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=300, env=env
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"test accuracy: \d\.\d{4}", output), output
    assert "ExpSchedule(start=16.0, end_epoch=3)" in output
    assert [r["compression_ratio"] for r in records(tmp_path)] == pytest.approx(
        [16, 16 ** (2 / 3), 16 ** (1 / 3), 1]
    )
