"""Store calls that get no reply end at a deadline with an error naming the store's host."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from graphkit.distributed import comm, runtime
from graphkit.distributed.runtime import free_port
from graphkit.distributed.store_calls import StoreTimeoutError, call_with_deadline

pytestmark = pytest.mark.distributed


def test_deadline_returns_value():
    assert call_with_deadline(lambda: 42, 5.0, "the answer") == 42


def test_deadline_raises_call_error():
    def fail():
        raise RuntimeError("connection reset")

    with pytest.raises(RuntimeError, match="connection reset"):
        call_with_deadline(fail, 5.0, "the call")


def test_deadline_stops_blocked_call():
    release = threading.Event()
    started = time.monotonic()
    try:
        with pytest.raises(StoreTimeoutError) as caught:
            call_with_deadline(release.wait, 0.3, "the store call of the test")
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert str(caught.value) == "the store call of the test did not return within 0.3 s"


def run_in_thread(call, join_s: float):
    """Return ``(finished, outcome)`` of ``call()`` run in a thread for up to ``join_s``.

    ``outcome`` is the return value or the exception. A call still blocked stays in its
    daemon thread, so a test without the deadline fails instead of hanging.
    """
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - inspected by the test
            outcome["value"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(join_s)
    return not thread.is_alive(), outcome.get("value")


@pytest.fixture
def silent_listener():
    """Yield the port of a socket that accepts connections and never replies."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for connection in accepted:
        connection.close()
    server.close()


def test_connect_to_silent_port_times_out(silent_listener, monkeypatch):
    monkeypatch.setattr(runtime, "STORE_CONNECT_GRACE_S", 0.5)
    port = silent_listener
    finished, error = run_in_thread(
        lambda: runtime._connect_store(1, 2, "127.0.0.1", port, 1.0, "test"), 60
    )
    assert finished, "the connection to a port that never replies did not time out"
    assert isinstance(error, TimeoutError)
    message = str(error)
    assert message.startswith("rank 1: start-up timed out because the store of rank 0 ")
    assert f"MASTER_ADDR:MASTER_PORT = 127.0.0.1:{port}" in message
    assert "did not return within 1.5 s" in message
    assert "another program may listen on that port" in message
    assert "raise timeout_s" in message


class FrozenStore:
    """A store whose calls block, as on a store host that stopped replying."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def _block(self):
        self.calls += 1
        self.release.wait()
        raise RuntimeError("connection closed")

    def add(self, key, amount):
        return self._block()

    def check(self, keys):
        return self._block()

    def get(self, key):
        return self._block()

    def compare_set(self, key, expected, desired):
        return self._block()


def test_heartbeat_on_frozen_store():
    store = FrozenStore()
    heartbeat = comm.Heartbeat(store, 1, 2, timeout_s=1.0, host="rank 0")
    try:
        while store.calls == 0:
            time.sleep(0.05)
        assert heartbeat.store_error is None
        time.sleep(1.2)
        # The heartbeat's own call is overdue, so the store counts as failed.
        error = heartbeat.store_error
        assert isinstance(error, StoreTimeoutError)
        assert "store.add did not return within 1 s" in str(error)
        assert "host (rank 0) is frozen or unreachable" in str(error)
        assert "timeout_s sets this limit" in str(error)
        # Diagnosis returns "unreachable" (None) instead of waiting for the lock that
        # the blocked heartbeat call holds.
        finished, lost = run_in_thread(heartbeat.find_lost_ranks, 30)
        assert finished, "find_lost_ranks blocked on a frozen store"
        assert lost is None
        finished, absent = run_in_thread(heartbeat.absent_ranks, 30)
        assert finished, "absent_ranks blocked on a frozen store"
        assert absent is None
    finally:
        heartbeat.stop()
        store.release.set()


_REDUCE_UNTIL_STOPPED = """
import os
import sys
import time
import torch
from graphkit.distributed import runtime
from graphkit.distributed.comm import PeerLostError

rank, world_size = runtime.init_process_group(3.0)
comm = runtime.communicator()
comm.all_reduce(torch.ones(1))
os.write(1, f"ready {rank}\\n".encode())
started = time.monotonic()
try:
    while time.monotonic() - started < 120:
        comm.all_reduce(torch.ones(1))
        time.sleep(0.05)
    os.write(1, b"finished\\n")
except PeerLostError as error:
    os.write(1, f"lost after {time.monotonic() - started:.0f} s: {error}\\n".encode())
# Rank 0 stays frozen, so skip the shutdown that would wait for it.
os._exit(0)
"""


def test_frozen_store_host_reported(tmp_path):
    script = tmp_path / "reduce.py"
    script.write_text(_REDUCE_UNTIL_STOPPED)
    port = free_port()

    def start(rank):
        env = dict(
            os.environ,
            RANK=str(rank),
            WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            OMP_NUM_THREADS="1",
        )
        return subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    host, worker = start(0), start(1)
    try:
        assert host.stdout.readline().startswith("ready 0")
        assert worker.stdout.readline().startswith("ready 1")
        # Rank 0 hosts the store, so freezing it freezes the store too.
        os.kill(host.pid, signal.SIGSTOP)
        line, _ = worker.communicate(timeout=60)
    finally:
        for process in (host, worker):
            if process.poll() is None:
                process.kill()
            process.wait(10)
    assert line.startswith("lost after "), line
    assert "rank 1: all_reduce failed because the store at MASTER_ADDR:MASTER_PORT" in line
    assert "unreachable" in line
