"""An out folder that another process trains into stops every rank at once."""

import subprocess
import sys

import pytest
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed

# Locks the folder as a running Trainer's rank 0 does, until standard input closes.
HOLDER = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
sys.stdin.read()
"""


def start_trainer(rank: int, world_size: int, out: str):
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(epochs=1, hidden=4, out=out)
    graph, data = build_partition(config, rank, world_size)
    try:
        Trainer(config, data, graph)
    except ValueError as error:
        return f"{type(error).__name__}: {error}"
    return "no error"


def test_out_in_use_stops_all_ranks(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        errors = run_world(start_trainer, 2, str(out))
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert errors[0].startswith(
        f"OutFolderInUseError: TrainConfig(out={str(out)!r}) is in use by another "
        "process"
    ), errors[0]
    assert errors[1] == (
        f"ValueError: rank 0 found {out} in use by another process that trains into "
        "it, so rank 1 stops too. Read rank 0's error for the fix"
    ), errors[1]
    assert list(out.iterdir()) == []
