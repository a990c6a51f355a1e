"""Checkpoint writes survive crashes; files of another graph or partitioning are rejected."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
import torch
from graphkit.datasets import load_dataset
from graphkit.distributed import partition_nodes
from graphkit.distributed.files import (
    PartitionFileError,
    load_partition,
    write_partitions,
)
from graphkit.launch.cli import main

from graphkit.train import checkpoint
from graphkit.train.checkpoint import (
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)

STATE = {"epoch": 1, "weights": torch.arange(1000.0)}


def test_exception_mid_save_keeps_previous(tmp_path, monkeypatch):
    save_checkpoint(STATE, tmp_path / "checkpoint_000001.pt")
    real_save = torch.save

    def save_half_then_fail(state, stream):
        real_save(state, stream)
        stream.truncate(stream.tell() // 2)
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(checkpoint.torch, "save", save_half_then_fail)
    with pytest.raises(OSError, match="simulated"):
        save_checkpoint({**STATE, "epoch": 2}, tmp_path / "checkpoint_000002.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint_000001.pt"]
    assert latest_checkpoint(tmp_path).name == "checkpoint_000001.pt"
    assert load_checkpoint(latest_checkpoint(tmp_path))["epoch"] == 1


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time, torch
    from graphkit.train import checkpoint

    folder = sys.argv[1]
    state = {"epoch": 1, "weights": torch.arange(1000.0)}
    checkpoint.save_checkpoint(state, folder + "/checkpoint_000001.pt")

    def save_slowly(state, stream):
        stream.write(b"PK\\x03\\x04 partial")
        stream.flush()
        print("writing", flush=True)
        time.sleep(120)

    checkpoint.torch.save = save_slowly
    checkpoint.save_checkpoint({**state, "epoch": 2}, folder + "/checkpoint_000002.pt")
    """
)


def test_kill_mid_save_is_never_loaded(tmp_path):
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1, "the killed write left no temporary file to test with"
    assert leftovers[0].startswith("checkpoint_000002.pt.")
    assert not (tmp_path / "checkpoint_000002.pt").exists()
    assert latest_checkpoint(tmp_path).name == "checkpoint_000001.pt"
    assert load_checkpoint(latest_checkpoint(tmp_path))["epoch"] == 1


def train_command(out, num_nodes: int, *extra: str) -> list[str]:
    return [
        "train",
        "--epochs",
        "2",
        "--dataset-options",
        f"{{num_nodes: {num_nodes}}}",
        "--out",
        str(out),
        *extra,
    ]


def test_checkpoint_of_other_graph_rejected(tmp_path):
    assert main(train_command(tmp_path / "a", 300)) == 0
    written = tmp_path / "a" / "checkpoint_000002.pt"
    with pytest.raises(ValueError) as error:
        main(train_command(tmp_path / "b", 400, "--resume", str(written)))
    message = str(error.value)
    assert "'num_nodes': 300" in message
    assert "'num_nodes': 400" in message
    fingerprint = load_checkpoint(written)["graph"]
    with pytest.raises(ValueError) as error:
        load_checkpoint(written, {**fingerprint, "num_parts": 2})
    assert "'num_parts': 1" in str(error.value)
    assert "'num_parts': 2" in str(error.value)


def write_folder(folder, num_nodes: int, num_parts: int):
    data = load_dataset("synthetic", None, num_nodes=num_nodes)
    parts = partition_nodes(data.edge_index, data.num_nodes, num_parts, "random")
    write_partitions(data, parts, num_parts, folder)


@pytest.mark.parametrize(
    ("other_nodes", "other_parts"), [(400, 2), (300, 3)], ids=["graph", "count"]
)
def test_partition_file_of_other_run_rejected(tmp_path, other_nodes, other_parts):
    write_folder(tmp_path / "mine", 300, 2)
    write_folder(tmp_path / "other", other_nodes, other_parts)
    shutil.copy(tmp_path / "other" / "part-0001.pt", tmp_path / "mine" / "part-0001.pt")
    with pytest.raises(PartitionFileError) as error:
        load_partition(tmp_path / "mine", 1, 2)
    message = str(error.value)
    assert f"{other_nodes} nodes in {other_parts} partitions" in message
    assert "describes 300 nodes in 2 partitions" in message
