"""Start-up variables: MASTER_ADDR across machines, and WORLD_SIZE without RANK."""

import pytest
from graphkit.distributed.runtime import _from_mpi


class FakeWorld:
    """Stand-in for ``mpi4py.MPI.Comm`` with the calls that start-up makes, as rank 1."""

    def __init__(self, hosts: list[str]) -> None:
        self.hosts = hosts

    def Get_rank(self) -> int:
        return 1

    def Get_size(self) -> int:
        return len(self.hosts)

    def allgather(self, value):
        return list(self.hosts)

    def bcast(self, value, root: int = 0):
        return 29500


def test_two_machines_without_master_addr(monkeypatch):
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    monkeypatch.delenv("MASTER_PORT", raising=False)
    with pytest.raises(RuntimeError, match=r"on 2 machines \(node-a, node-b\)"):
        _from_mpi(FakeWorld(["node-a", "node-b"]))


def test_one_machine_defaults_to_loopback(monkeypatch):
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    monkeypatch.delenv("MASTER_PORT", raising=False)
    assert _from_mpi(FakeWorld(["node-a", "node-a"])) == (1, 2, "127.0.0.1", 29500)


def test_master_addr_given_skips_check(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "10.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "29501")
    assert _from_mpi(FakeWorld(["node-a", "node-b"])) == (1, 2, "10.0.0.1", 29501)


def test_world_size_without_rank_is_rejected(monkeypatch):
    from graphkit.distributed.device import MPI_SIZE_VARIABLES
    from graphkit.distributed.runtime import _environment

    for name in ("RANK", *MPI_SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(RuntimeError, match="WORLD_SIZE=2 is set but RANK is not"):
        _environment()
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert _environment() == (0, 1, "127.0.0.1", 0)
