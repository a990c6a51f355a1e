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
