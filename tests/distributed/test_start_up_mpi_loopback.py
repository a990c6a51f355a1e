"""Under mpiexec on several machines, a loopback MASTER_ADDR stops every rank at once."""

import socket

import pytest

from graphkit.distributed.runtime import _from_mpi

from mpi_worlds import FakeWorld

# Rank 0 runs on node-a, rank 1 on node-b.
TWO_MACHINES = ["node-a", "node-b"]


def _first_address(host: str) -> str:
    """Return the first address that ``host`` resolves to, the one rank 0 listens on.

    ``localhost`` resolves to ::1 first where ``/etc/hosts`` lists it for ::1.
    """
    return socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)[0][4][0]


@pytest.mark.parametrize("addr", ["localhost", "127.0.0.1", "127.0.1.1"])
def test_loopback_addr_rejected(monkeypatch, addr):
    monkeypatch.setenv("MASTER_ADDR", addr)
    monkeypatch.delenv("MASTER_PORT", raising=False)
    with pytest.raises(RuntimeError) as caught:
        _from_mpi(FakeWorld(0, TWO_MACHINES))
    message = str(caught.value)
    assert message.startswith(
        f"rank 0: rank 0 failed to start the store: MASTER_ADDR={addr} is the "
        f"loopback address {_first_address(addr)} on rank 0's machine, "
    )
    assert "which the ranks on node-b cannot reach" in message


def test_other_rank_gets_loopback_error(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "localhost")
    monkeypatch.delenv("MASTER_PORT", raising=False)
    world = FakeWorld(
        1, TWO_MACHINES, root_value="MASTER_ADDR=localhost is the loopback"
    )
    with pytest.raises(RuntimeError) as caught:
        _from_mpi(world)
    assert str(caught.value) == (
        "rank 1: rank 0 failed to start the store: MASTER_ADDR=localhost is the loopback"
    )
