"""Ctrl-C and SIGTERM in the graphkit commands: one line on stderr, exit 128 + signal.

Ctrl-C (SIGINT) raises ``KeyboardInterrupt``. SIGTERM, which ``kill``, ``timeout``,
torchrun and job schedulers send, ends Python at once by default, so ``finally`` blocks
that remove temporary files never run. Inside :func:`sigterm_as_interrupt` it raises
:class:`Terminated`, a ``KeyboardInterrupt``, so both signals take the same cleanup path.
A command catches ``KeyboardInterrupt``, attaches what it kept with
:func:`describe_interrupt` and raises it again. ``cli.run`` prints one line with
:func:`report_interrupt` (on ranks other than 0 of a launch of several processes, a
short line with :func:`report_rank_interrupt`) and returns 130 for SIGINT or 143 for
SIGTERM, the codes a shell reports for a process killed by the signal.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as a ``KeyboardInterrupt`` so that the Ctrl-C cleanup runs."""


class SignalRecord:
    """A record of whether SIGTERM arrived inside :func:`sigterm_as_interrupt`."""

    def __init__(self) -> None:
        self.terminated = False


@contextlib.contextmanager
def sigterm_as_interrupt(enabled: bool = True) -> Iterator[SignalRecord]:
    """Raise :class:`Terminated` on SIGTERM inside the block.

    Outside the main thread, where Python cannot install signal handlers, with
    ``enabled`` false, or when SIGTERM is ignored (``SIG_IGN``, as ``nohup`` or a
    parent process may set it), the block runs with the handler it had. A SIGTERM
    whose handler runs after the block has ended goes to that earlier handler.
    """
    record = SignalRecord()
    previous = signal.getsignal(signal.SIGTERM)
    if (
        not enabled
        or previous is signal.SIG_IGN
        or threading.current_thread() is not threading.main_thread()
    ):
        yield record
        return
    ended = False

    def raise_terminated(signum: int, frame) -> None:
        if ended:
            # The signal arrived while the block's exit restored the earlier handler.
            _deliver(previous, signum, frame)
            return
        record.terminated = True
        raise Terminated

    # The distributed start-up replaces this handler while the ranks meet, because it
    # could run only when the C++ wait returns.
    raise_terminated.ends_process_at_start_up = True
    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield record
    finally:
        ended = True
        # signal.getsignal returns None for a handler installed outside Python.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _deliver(handler, signum: int, frame) -> None:
    """Run ``handler`` for ``signum``, or the default action where it is ``SIG_DFL``."""
    if callable(handler):
        handler(signum, frame)
    elif handler is not signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)


def print_line(line: str) -> None:
    """Write ``line`` and its newline to stderr in one call, then flush.

    The ranks of a launch share one stderr pipe, and ``print`` writes the text and the
    newline in two calls, between which another rank's line could land.
    """
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def interrupt_exit_code(error: KeyboardInterrupt) -> int:
    """Return 143 (128 + SIGTERM) for :class:`Terminated`, else 130 (128 + SIGINT)."""
    signum = signal.SIGTERM if isinstance(error, Terminated) else signal.SIGINT
    return 128 + signum


def describe_interrupt(
    error: KeyboardInterrupt, where: str = "", kept: str = ""
) -> None:
    """Attach to ``error`` where the run stopped and what it left on disk.

    ``where`` is a phrase such as ``"at epoch 12"``, and ``kept`` a clause such as
    ``"the checkpoint of epoch 10 is in runs/x"``. The command raises ``error`` again,
    so that Python callers of ``cli.main`` still get the ``KeyboardInterrupt``.
    """
    error.where, error.kept = where, kept


def report_rank_interrupt(
    command: str, error: KeyboardInterrupt, rank: int, world_size: int
) -> int:
    """Print ``graphkit COMMAND: rank R of N interrupted``, then return the exit code.

    The ranks other than 0 of a launch of several processes print this short line,
    because rank 0 prints what the run kept.
    """
    event = "interrupted by SIGTERM" if isinstance(error, Terminated) else "interrupted"
    print_line(f"graphkit {command}: rank {rank} of {world_size} {event}")
    return interrupt_exit_code(error)


def report_interrupt(command: str, error: KeyboardInterrupt) -> int:
    """Print the interrupt line to stderr and return the exit code.

    The line reads ``graphkit COMMAND: interrupted WHERE; KEPT``. ``WHERE`` and ``KEPT``
    are those of :func:`describe_interrupt`, when a command gave them.
    """
    event = "interrupted by SIGTERM" if isinstance(error, Terminated) else "interrupted"
    line = f"graphkit {command}: {event}"
    where, kept = getattr(error, "where", ""), getattr(error, "kept", "")
    if where:
        line += f" {where}"
    if kept:
        line += f"; {kept}"
    print_line(line)
    return interrupt_exit_code(error)
