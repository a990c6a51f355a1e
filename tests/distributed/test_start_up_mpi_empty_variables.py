"""Under mpiexec, an empty MASTER_ADDR or MASTER_PORT counts as unset, as under srun.

``-genv MASTER_ADDR ""`` made rank 0 listen on the empty host name, so every rank
stopped with "Name or service not known", and an empty MASTER_PORT stopped with
"not an integer". srun's start-up already read both as unset.
"""

from graphkit.distributed.runtime import _from_mpi

from mpi_worlds import FakeWorld


def test_empty_addr_and_port_use_defaults(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "")
    monkeypatch.setenv("MASTER_PORT", "")
    rank, size, addr, port = _from_mpi(FakeWorld())
    assert (rank, size, addr) == (0, 2, "127.0.0.1")
    assert 1 <= port <= 65535


def test_empty_addr_keeps_given_port(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "")
    monkeypatch.setenv("MASTER_PORT", "29517")
    assert _from_mpi(FakeWorld()) == (0, 2, "127.0.0.1", 29517)
