"""A worker killed on one of two machines under the c10d rendezvous restarts the job.

Only the failed machine's agent counts the restart. The other agent restarts its
worker for the membership change and keeps a restart count of 0, so the ranks must not
name their store keys by that count.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pytest
from multinode_runs import (
    MASTER_PORT,
    child_pids,
    logs_text,
    train_argv,
    wait_all,
    wait_for,
    worker_env,
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

    procs = []
    for i in range(net.count):
        argv = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            f"--nnodes={net.count}",
            "--nproc_per_node=1",
            "--rdzv_backend=c10d",
            f"--rdzv_endpoint={net.address(0)}:{MASTER_PORT}",
            "--rdzv_id=graphkit-restart",
            f"--rdzv_conf=is_host={str(i == 0).lower()}",
            f"--local_addr={net.address(i)}",
            "--max_restarts=1",
            *train,
        ]
        env = worker_env(net.interface(i))
        procs.append(net.start(i, argv, env, tmp_path / f"machine{i}.log"))

    checkpoint = tmp_path / "out" / "checkpoint_000005.pt"
    assert wait_for(checkpoint.is_file, timeout_s=150), logs_text(tmp_path)
    victim = _worker_of(procs[1].pid)
    assert victim is not None, "machine 1 runs no graphkit worker"
    os.kill(victim, signal.SIGKILL)

    codes = wait_all(procs, timeout_s=240)
    log = logs_text(tmp_path)
    assert codes == [0, 0], log
    assert re.search(r"resumed from \S+checkpoint_\d+\.pt", log), log
