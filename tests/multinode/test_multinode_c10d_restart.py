"""A worker killed on one of two machines under the c10d rendezvous restarts the job.

Only the failed machine's agent counts the restart. The other agent restarts its
worker for the membership change and keeps a restart count of 0, so the ranks must not
name their store keys by that count.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from multinode_runs import (
    child_pids,
    logs_text,
    start_c10d,
    train_argv,
    wait_all,
    wait_for,
)

pytestmark = [pytest.mark.multinode, pytest.mark.distributed]


def _worker_of(agent: int) -> int | None:
    """Return the pid of the graphkit worker below the torchrun agent ``agent``."""
    for pid in child_pids(agent):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"graphkit.launch" in command:
            return pid
    return None


def test_killed_worker_restarts_both_machines(tmp_path, machines):
    net = machines(2)
    options = ("--checkpoint-every", "5", "--resume", "auto", "--timeout-s", "30")
    train = train_argv(tmp_path / "out", 30, options)

    procs = start_c10d(net, 1, train, tmp_path, restarts=1)

    checkpoint = tmp_path / "out" / "checkpoint_000005.pt"
    assert wait_for(checkpoint.is_file, timeout_s=150), logs_text(tmp_path)
    victim = _worker_of(procs[1].pid)
    assert victim is not None, "machine 1 runs no graphkit worker"
    os.kill(victim, signal.SIGKILL)

    codes = wait_all(procs, timeout_s=240)
    log = logs_text(tmp_path)
    assert codes == [0, 0], log
    assert re.search(r"resumed from \S+checkpoint_\d+\.pt", log), log
