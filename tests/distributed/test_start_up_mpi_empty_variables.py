"""Under mpiexec, an empty MASTER_ADDR or MASTER_PORT counts as unset, as under srun.

``-genv MASTER_ADDR ""`` made rank 0 listen on the empty host name, so every rank
stopped with "Name or service not known", and an empty MASTER_PORT stopped with
"not an integer". srun's start-up already read both as unset.
"""

from graphkit.distributed.runtime import _from_mpi


class OneMachineWorld:
    """Stand-in for ``mpi4py.MPI.Comm``: rank 0 of 2 ranks on one machine."""

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 2

    def allgather(self, value):
        return [value, value]

    def bcast(self, value, root: int = 0):
        return value


def test_empty_addr_and_port_use_defaults(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "")
    monkeypatch.setenv("MASTER_PORT", "")
    rank, size, addr, port = _from_mpi(OneMachineWorld())
    assert (rank, size, addr) == (0, 2, "127.0.0.1")
    assert 1 <= port <= 65535


def test_empty_addr_keeps_given_port(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "")
    monkeypatch.setenv("MASTER_PORT", "29517")
    assert _from_mpi(OneMachineWorld()) == (0, 2, "127.0.0.1", 29517)
