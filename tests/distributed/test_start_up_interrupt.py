"""Ctrl-C or SIGTERM ends a rank that waits at start-up for a rank that never comes."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from graphkit.distributed.runtime import free_port

pytestmark = pytest.mark.distributed


def _start_rank(rank: int, port: int) -> subprocess.Popen:
    """Start rank ``rank`` of a two-rank ``graphkit train`` with a 120 s timeout."""
    env = dict(
        os.environ,
        RANK=str(rank),
        WORLD_SIZE="2",
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "graphkit.launch", "train", "--timeout-s", "120"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _seconds_to_end_after_signal(
    process: subprocess.Popen, signum: int = signal.SIGINT
) -> float:
    """Send ``signum`` to ``process`` and return the seconds until it ended (max 60)."""
    try:
        assert process.poll() is None, "the rank ended before the signal"
        process.send_signal(signum)
        start = time.monotonic()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        return time.monotonic() - start
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_ends_store_host(signum):
    # Rank 0 hosts the store and waits for rank 1 in the rendezvous. graphkit's SIGTERM
    # handler, like Python's SIGINT handler, would run only at the 120 s timeout.
    port = free_port()
    process = _start_rank(0, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    time.sleep(1)
    seconds = _seconds_to_end_after_signal(process, signum)
    assert seconds < 10, f"rank 0 needed {seconds:.0f} s after {signum.name}"
    assert process.returncode == -signum


def test_sigint_ends_store_client():
    # Rank 1 connects to a socket that never replies as a store does, so it waits.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        silent.settimeout(60)
        process = _start_rank(1, silent.getsockname()[1])
        connection, _ = silent.accept()
        with connection:
            time.sleep(1)
            seconds = _seconds_to_end_after_signal(process)
    assert seconds < 10, f"rank 1 needed {seconds:.0f} s after SIGINT"
    assert process.returncode == -signal.SIGINT
