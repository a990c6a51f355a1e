"""Each interrupt or error line of cli.run reaches stderr in one write, newline included.

The ranks of an mpiexec or torchrun launch share one stderr pipe. ``print`` writes the
text and its newline in two calls, so the lines of two ranks could mix into
``rank 1 of 2 interruptedgraphkit train: interrupted at epoch 3...``. A recording
stream counts the calls.
"""

import sys

from graphkit.launch import cli, interrupts
from graphkit.launch.interrupts import Terminated


class WriteRecorder:
    """A text stream that keeps each ``write`` call's text."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def record_stderr(monkeypatch) -> list[str]:
    """Replace sys.stderr for the rest of the test, and return the list of its writes.

    Called in the test body, because pytest's capture sets sys.stderr again between
    the set-up of fixtures and the test.
    """
    recorder = WriteRecorder()
    monkeypatch.setattr(sys, "stderr", recorder)
    return recorder.writes


def test_rank_interrupt_line_is_one_write(monkeypatch):
    stderr_writes = record_stderr(monkeypatch)
    assert interrupts.report_rank_interrupt("train", KeyboardInterrupt(), 1, 2) == 130
    assert stderr_writes == ["graphkit train: rank 1 of 2 interrupted\n"]


def test_interrupt_line_is_one_write(monkeypatch):
    stderr_writes = record_stderr(monkeypatch)
    error = Terminated()
    interrupts.describe_interrupt(error, "at epoch 3", "nothing was kept")
    assert interrupts.report_interrupt("train", error) == 143
    assert stderr_writes == [
        "graphkit train: interrupted by SIGTERM at epoch 3; nothing was kept\n"
    ]


def test_error_line_is_one_write(monkeypatch):
    stderr_writes = record_stderr(monkeypatch)

    def fail(argv):
        raise ValueError("bad value")

    monkeypatch.setattr(cli, "main", fail)
    assert cli.run(["train"]) == 2
    assert stderr_writes == ["graphkit train: error: bad value\n"]


def test_exit_message_line_is_one_write(monkeypatch):
    stderr_writes = record_stderr(monkeypatch)

    def fail(argv):
        raise SystemExit("no such file")

    monkeypatch.setattr(cli, "main", fail)
    assert cli.run(["partition"]) == 2
    assert stderr_writes == ["graphkit partition: error: no such file\n"]


def test_rank_sigterm_line_names_signal(monkeypatch):
    stderr_writes = record_stderr(monkeypatch)
    assert interrupts.report_rank_interrupt("train", Terminated(), 3, 4) == 143
    assert stderr_writes == ["graphkit train: rank 3 of 4 interrupted by SIGTERM\n"]
