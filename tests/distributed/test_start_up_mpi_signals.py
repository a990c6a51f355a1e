"""Ctrl-C and SIGTERM end a rank that waits in mpi4py's start-up exchange.

mpi4py's allgather and broadcast do not return to Python until every rank takes part,
so Python's handlers would never run there. A stand-in ``mpi4py`` records the handlers
that each collective runs under.
"""

import signal
import sys
import types

import pytest
from graphkit.distributed import runtime
from graphkit.launch.interrupts import sigterm_as_interrupt

pytestmark = pytest.mark.distributed


class StopStartUp(Exception):
    """Error raised by the stand-in broadcast, so start-up ends before the store."""


class RecordingWorld:
    """Stand-in for ``COMM_WORLD`` of rank 0 of 2 that records the signal handlers."""

    def __init__(self) -> None:
        self.handlers = []

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 2

    def _record(self, collective: str) -> None:
        self.handlers.append(
            (collective, signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
        )

    def allgather(self, value):
        self._record("allgather")
        return [value, value]

    def bcast(self, value, root: int = 0):
        self._record("bcast")
        raise StopStartUp


@pytest.fixture
def mpi_world(monkeypatch):
    """Make ``from mpi4py import MPI`` return a recording world, as under mpiexec -n 2."""
    world = RecordingWorld()
    monkeypatch.setitem(sys.modules, "mpi4py", types.SimpleNamespace(MPI=None))
    monkeypatch.setattr(
        sys.modules["mpi4py"], "MPI", types.SimpleNamespace(COMM_WORLD=world)
    )
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "SLURM_STEP_NUM_TASKS"):
        monkeypatch.delenv(name, raising=False)
    for name in runtime.MPI_SIZE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MPI_LOCALNRANKS", "2")
    sigint, sigterm = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield world
    signal.signal(signal.SIGINT, sigint)
    signal.signal(signal.SIGTERM, sigterm)


def test_mpi_exchange_has_default_actions(mpi_world):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with sigterm_as_interrupt():
        graphkit_sigterm = signal.getsignal(signal.SIGTERM)
        with pytest.raises(StopStartUp):
            runtime.init_process_group()
        assert signal.getsignal(signal.SIGTERM) is graphkit_sigterm
    assert mpi_world.handlers == [
        ("allgather", signal.SIG_DFL, signal.SIG_DFL),
        ("bcast", signal.SIG_DFL, signal.SIG_DFL),
    ]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _callers_sigint(signum, frame):
    raise AssertionError("not called in this test")


def _callers_sigterm(signum, frame):
    raise AssertionError("not called in this test")


def test_start_up_keeps_callers_handlers(mpi_world):
    # A notebook or script that set its own handlers keeps them during start-up.
    signal.signal(signal.SIGINT, _callers_sigint)
    signal.signal(signal.SIGTERM, _callers_sigterm)
    with pytest.raises(StopStartUp):
        runtime.init_process_group()
    assert mpi_world.handlers == [
        ("allgather", _callers_sigint, _callers_sigterm),
        ("bcast", _callers_sigint, _callers_sigterm),
    ]
    assert signal.getsignal(signal.SIGINT) is _callers_sigint
    assert signal.getsignal(signal.SIGTERM) is _callers_sigterm


def test_meeting_ranks_keeps_callers_handlers(mpi_world, monkeypatch):
    monkeypatch.delenv("MPI_LOCALNRANKS")  # a group of one, so no store and no peers
    during_meeting = []

    def record_handlers(*args):
        during_meeting.append(
            (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
        )
        raise StopStartUp

    monkeypatch.setattr(runtime, "_meet_ranks", record_handlers)
    signal.signal(signal.SIGINT, _callers_sigint)
    signal.signal(signal.SIGTERM, _callers_sigterm)
    with pytest.raises(StopStartUp):
        runtime.init_process_group()
    assert during_meeting == [(_callers_sigint, _callers_sigterm)]
