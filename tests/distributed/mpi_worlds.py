"""Stand-in for ``mpi4py.MPI.COMM_WORLD`` in start-up tests of the mpiexec path."""


class FakeWorld:
    """Rank ``rank`` of a two-rank world whose ranks run on ``hostnames``.

    ``allgather`` returns ``hostnames`` (by default both ranks on this machine, as the
    gathered value), and ``bcast`` returns ``root_value`` on rank 1, as if rank 0 had
    sent it.
    """

    def __init__(
        self, rank: int = 0, hostnames: list[str] | None = None, root_value=None
    ) -> None:
        self.rank, self.hostnames, self.root_value = rank, hostnames, root_value

    def Get_rank(self) -> int:
        return self.rank

    def Get_size(self) -> int:
        return 2

    def allgather(self, value):
        return list(self.hostnames) if self.hostnames else [value, value]

    def bcast(self, value, root: int = 0):
        return value if self.rank == root else self.root_value
