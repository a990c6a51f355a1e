"""A rank whose peers never arrive stops at the timeout with one line naming them."""

import os
import subprocess
import sys

import pytest

from graphkit.distributed.runtime import free_port

pytestmark = pytest.mark.distributed


def _train_alone(rank: int, port: int) -> subprocess.CompletedProcess:
    """Start rank ``rank`` of a two-rank run whose other rank never starts."""
    env = dict(
        os.environ,
        RANK=str(rank),
        WORLD_SIZE="2",
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    env.pop("GRAPHKIT_TRACEBACK", None)
    command = [sys.executable, "-m", "graphkit.launch", "train", "--epochs", "1"]
    return subprocess.run(
        [*command, "--timeout-s", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_peer_named():
    port = free_port()
    result = _train_alone(0, port)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "graphkit train: error: rank 0: start-up timed out after 3 s" in result.stderr
    )
    assert "because rank 1 of WORLD_SIZE=2 did not join" in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr


def test_unreachable_store_named():
    port = free_port()
    result = _train_alone(1, port)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "graphkit train: error: rank 1: start-up failed" in result.stderr
    assert (
        f"store of rank 0 at MASTER_ADDR:MASTER_PORT = 127.0.0.1:{port}"
        in result.stderr
    )
