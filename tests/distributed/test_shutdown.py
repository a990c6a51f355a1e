"""Ordered shutdown of the process group after a finished run."""

from __future__ import annotations

import os
import time

import pytest

from harness import start_world

pytestmark = pytest.mark.distributed


def _stop_after(rank: int, world_size: int, delays: list[float]) -> float:
    from graphkit.distributed import runtime

    time.sleep(delays[rank])
    start = time.monotonic()
    runtime.destroy_process_group(synchronize=True)
    return time.monotonic() - start


def test_shutdown_waits_for_peers():
    # Rank 0 hosts the store, so it must not tear down before rank 1 has stopped.
    outcome = start_world(_stop_after, 2, [0.0, 1.5])
    assert outcome[0][0] == "ok", outcome
    assert outcome[1][0] == "ok", outcome
    assert outcome[0][1] >= 1.0, outcome
    assert outcome[1][1] < 1.0, outcome


def _leave_or_stop(rank: int, world_size: int) -> float:
    from graphkit.distributed import runtime

    if rank == 1:
        os._exit(0)  # Exit without shutting down, as a crashed rank would.
    time.sleep(0.5)
    start = time.monotonic()
    runtime.destroy_process_group(synchronize=True)
    return time.monotonic() - start


def test_shutdown_survives_lost_peer():
    outcome = start_world(_leave_or_stop, 2, timeout_s=60.0, expect=1)
    status, seconds = outcome[0]
    assert status == "ok", seconds
    assert seconds < 30.0


# Each rank runs in a fresh interpreter, because a forked worker inherits every module
# that the test process has imported already.
_LATE_IMPORT_RANK = """
import json, os, sys
import torch
from graphkit.distributed import runtime


def gloo_threads():
    names = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/comm") as file:
            names.append(file.read().strip())
    return sorted(name for name in names if "gloo" in name)


imported_early = "torch.distributed.nn" in sys.modules
runtime.init_process_group(60.0)
# Training imports torch._dynamo, which imports torch.distributed.nn.functional.
import torch.distributed.nn.functional

runtime.communicator().all_reduce(torch.ones(2))
running = gloo_threads()
runtime.destroy_process_group(synchronize=True)
print(json.dumps([imported_early, running, gloo_threads()]))
"""


@pytest.mark.skipif(
    not os.path.isdir("/proc/self/task"), reason="lists threads through Linux /proc"
)
def test_shutdown_joins_gloo_threads():
    # Gloo threads left running at interpreter exit can abort a finished rank.
    import json
    import subprocess
    import sys

    from graphkit.distributed.runtime import free_port

    port = free_port()
    ranks = [
        subprocess.Popen(
            [sys.executable, "-c", _LATE_IMPORT_RANK],
            env={
                **os.environ,
                "RANK": str(rank),
                "WORLD_SIZE": "2",
                "MASTER_ADDR": "127.0.0.1",
                "MASTER_PORT": str(port),
                "OMP_NUM_THREADS": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rank in range(2)
    ]
    for rank, process in enumerate(ranks):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"rank {rank}: {err}"
        imported_early, running, left = json.loads(out.strip().splitlines()[-1])
        assert not imported_early, "the rank imported torch.distributed.nn before start-up"
        assert running, f"rank {rank} found no gloo threads to check: {running}"
        assert left == [], f"rank {rank}: gloo threads still run after shutdown: {left}"
