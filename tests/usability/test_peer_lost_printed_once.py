"""A surviving rank prints the lost rank's error once, also when a SIGTERM follows."""

import logging
from datetime import timedelta

import pytest
from graphkit.distributed.comm import Communicator, PeerLostError
from graphkit.launch import cli
from graphkit.launch.interrupts import Terminated
from graphkit.launch.logs import setup_logging

CAUSE = "failed because one of ranks 1 failed or timed out"


def fail_in_communicator():
    """Raise the PeerLostError of an aggregation on rank 0 whose peer closed the link."""
    comm = object.__new__(Communicator)
    comm.rank, comm.heartbeat, comm.timeout = 0, None, timedelta(seconds=300)
    comm._fail(RuntimeError("Connection closed by peer"), (0, 1), "aggregate")


@pytest.fixture
def command_logging(monkeypatch):
    """Restore the root logger after a command replaced its handlers."""
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_lost_peer_cause_printed_once(command_logging, monkeypatch, capsys):
    def main(argv):
        setup_logging(0, 2)
        fail_in_communicator()

    monkeypatch.setattr(cli, "main", main)
    assert cli.run(["train"]) == 1
    err = capsys.readouterr().err
    assert err.count(CAUSE) == 1
    assert err.startswith("graphkit train: error: rank 0: aggregate " + CAUSE)


def test_lost_peer_kept_under_sigterm(command_logging, monkeypatch, capsys):
    # A launcher's SIGTERM can arrive while the error unwinds, and the interrupt
    # replaces it, so the interrupt report prints it first.
    def main(argv):
        setup_logging(0, 2)
        try:
            fail_in_communicator()
        except PeerLostError:
            raise Terminated() from None

    monkeypatch.setattr(cli, "main", main)
    assert cli.run(["train"]) == 143
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("graphkit train: error: rank 0: aggregate " + CAUSE)
    assert lines[1] == "graphkit train: interrupted by SIGTERM"
