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
    codec_start = {
        k: p.detach().clone()
        for k, p in trainer.model.named_parameters()
        if k.startswith("halo_codec.")
    }
    summary = trainer.fit()
    parameters = dict(trainer.model.named_parameters())
    return {
        "summary": summary,
        "parameters": sorted(parameters),
        # The largest change of each learned codec weight over the run.
        "codec_changes": {
            k: float((parameters[k].detach() - start).abs().max())
            for k, start in codec_start.items()
        },
    }


def train_in_sequence(rank: int, world_size: int, runs: list[dict]) -> list[dict]:
    """Train one ``TrainConfig`` after another in the same process group.

    Only rank 0 gets ``out`` and ``checkpoint_every``, as in the benchmark; ``resume``
    goes to every rank.
    """
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    summaries = []
    for options in runs:
        options = dict(options)
        if rank != 0:
            options.pop("out", None)
            options.pop("checkpoint_every", None)
        config = TrainConfig(
            hidden=32,
            parts_method="random",
            dataset_options=SMALL,
            patience=0,
            timeout_s=30,
            **options,
        )
        graph, data = build_partition(config, rank, world_size)
        summaries.append(Trainer(config, data, graph).fit())
    return summaries


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
    # Gradient and metric all-reduces are not compressed.
    assert step[1]["sent_bytes"] < 0.6 * full_epoch
    # Start-up traffic is counted in no epoch, so both epochs at ratio 4 send the same.
    assert step[0]["sent_bytes"] == step[1]["sent_bytes"]
    assert epochs[0] == epochs[1]


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
    # Uncompressed, the loss falls from 4.15 to 2.98 in these 6 epochs, and each
    # codec reached at most 0.75 of its first loss.
    assert got[-1]["loss"] < 0.8 * got[0]["loss"]
    if compression == "quantize":
        # Rounding to 8 bits or more moved each loss by less than 1e-3.
        full = run_training(tmp_path, "none", {"model": "sage"})
        want = [record["loss"] for record in full]
        assert [record["loss"] for record in got] == pytest.approx(want, abs=1e-2)
    assert got[0]["epoch_sent_bytes_all_ranks"] < got[-1]["epoch_sent_bytes_all_ranks"]


def test_learned_codec_joins_the_model(tmp_path):
    options = {"compression": "learned", "compression_ratio": 4}
    for result in run_world(train, 2, options, str(tmp_path / "learned")):
        assert any(k.startswith("halo_codec.encoders.") for k in result["parameters"])
        # The optimizer trains the codec with the model. A codec attached after the
        # optimizer was built would keep its initial weights.
        changes = result["codec_changes"]
        assert changes, "the model has no learned codec weights"
        for name, change in changes.items():
            assert change > 0, f"{name} did not change in training"


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


def test_trainers_in_sequence_share_group(tmp_path):
    # A collective issued only by rank 0 (which alone has ``out`` here) would make the
    # second build wait in its partition broadcast until the 30 s timeout.
    # Each run writes its own folder, because a run without resume rejects a folder
    # that contains an earlier run.
    runs = [
        {"epochs": 2, "out": str(tmp_path / name), "checkpoint_every": 1}
        for name in ("first", "second")
    ]
    for first, second in run_world(train_in_sequence, 2, runs, timeout_s=30):
        assert first == second


def test_resumed_schedule_matches_uninterrupted(tmp_path):
    # At lr 0.2 the validation loss of this graph rises after epoch 5, so the adaptive
    # schedule halves the ratio at the end of epochs 6 and 7. A run resumed from epoch
    # 5 does the same only if the checkpoint restores the best loss.
    options = {
        "compression": "random-projection",
        "compression_schedule": "adaptive",
        "compression_ratio": 16,
        "compression_patience": 1,
        "compression_min_width": 1,
        "lr": 0.2,
    }
    part = tmp_path / "part"
    runs = [
        {**options, "epochs": 8, "out": str(tmp_path / "full")},
        {**options, "epochs": 5, "out": str(part), "checkpoint_every": 5},
        {
            **options,
            "epochs": 8,
            "out": str(part),
            "resume": str(part / "checkpoint_000005.pt"),
        },
    ]
    run_world(train_in_sequence, 2, runs, timeout_s=30)

    full, resumed = records(tmp_path / "full"), records(part)
    assert [r["epoch"] for r in resumed] == list(range(1, 9))
    assert [r["compression_ratio"] for r in full] == [16, 16, 16, 16, 16, 16, 8, 4]
    assert [r["compression_ratio"] for r in resumed] == [
        r["compression_ratio"] for r in full
    ]
    # The start-up traffic of each process is counted in no epoch, so the resumed
    # process reports the same bytes per epoch and in total as the uninterrupted one.
    for key in (
        "loss",
        "val_loss",
        "epoch_sent_bytes_all_ranks",
        "total_sent_bytes_all_ranks",
        "epoch_halo_bytes_all_ranks",
        "total_halo_bytes_all_ranks",
        "epoch_metric_bytes_all_ranks",
        "total_metric_bytes_all_ranks",
        "sent_bytes",
        "all_ranks_sent_bytes",
        "per_label",
    ):
        assert [r[key] for r in resumed] == [r[key] for r in full], key


def test_resume_without_compression_state(tmp_path):
    # The checkpoint of an uncompressed run has no schedule state. The resumed run
    # follows the exp schedule from epoch 4 on: 16 ** (1 - 3 / 4) = 2, then 1.
    out = tmp_path / "run"
    options = {
        "compression": "random-projection",
        "compression_schedule": "exp",
        "compression_end_epoch": 4,
    }
    runs = [
        {"epochs": 3, "out": str(out), "checkpoint_every": 3},
        {
            **options,
            "epochs": 6,
            "out": str(out),
            "resume": str(out / "checkpoint_000003.pt"),
        },
    ]
    run_world(train_in_sequence, 2, runs, timeout_s=30)
    got = records(out)
    assert [r["epoch"] for r in got] == list(range(1, 7))
    assert "compression_ratio" not in got[2]
    assert [r["compression_ratio"] for r in got[3:]] == pytest.approx([2, 1, 1])
