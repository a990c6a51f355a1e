"""Under mpiexec, every rank stops at once when rank 0's store cannot listen."""

import os
import shutil
import socket
import subprocess
import sys

import pytest

from graphkit.distributed.runtime import _from_mpi

from mpi_worlds import FakeWorld

# A name under .invalid never resolves (RFC 2606).
UNRESOLVABLE = "no-such-host.invalid"


def test_rank_zero_rejects_unresolvable_addr(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", UNRESOLVABLE)
    monkeypatch.delenv("MASTER_PORT", raising=False)
    with pytest.raises(RuntimeError) as caught:
        _from_mpi(FakeWorld(0))
    message = str(caught.value)
    assert message.startswith("rank 0: rank 0 failed to start the store")
    assert f"cannot listen on MASTER_ADDR = {UNRESOLVABLE}" in message


def test_rank_zero_rejects_busy_port(monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
        monkeypatch.setenv("MASTER_PORT", str(port))
        with pytest.raises(RuntimeError) as caught:
            _from_mpi(FakeWorld(0))
    assert f"cannot listen on MASTER_ADDR:MASTER_PORT = 127.0.0.1:{port}" in str(
        caught.value
    )


def test_other_rank_raises_rank_zero_error(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "29501")
    world = FakeWorld(1, root_value="cannot listen on X")
    with pytest.raises(RuntimeError) as caught:
        _from_mpi(world)
    assert str(caught.value) == (
        "rank 1: rank 0 failed to start the store: cannot listen on X"
    )


def test_rank_zero_keeps_given_port(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MASTER_PORT", str(port))
    assert _from_mpi(FakeWorld(0)) == (0, 2, "127.0.0.1", port)


_START = """
from graphkit.distributed import runtime

runtime.init_process_group(300.0)
print("started", flush=True)
runtime.destroy_process_group(synchronize=True)
"""


def _mpiexec_start(env_changes: dict) -> subprocess.CompletedProcess:
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("mpiexec not found: install mpich to run under an MPI launcher")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("MASTER_PORT", None)
    env.update(env_changes)
    # Without the check, rank 1 waits in the broadcast forever or at the store for
    # 300 s, so the 60 s limit fails the test.
    return subprocess.run(
        [mpiexec, "-n", "2", sys.executable, "-c", _START],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.distributed
def test_mpiexec_unresolvable_addr_stops_all():
    result = _mpiexec_start({"MASTER_ADDR": UNRESOLVABLE})
    assert result.returncode != 0
    assert "started" not in result.stdout
    for rank in (0, 1):
        assert f"rank {rank}: rank 0 failed to start the store" in result.stderr


@pytest.mark.distributed
def test_mpiexec_busy_port_stops_all():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = _mpiexec_start({"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    assert result.returncode != 0
    assert "started" not in result.stdout
    for rank in (0, 1):
        assert f"rank {rank}: rank 0 failed to start the store" in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr
