"""Capture log output as a terminal would show it, so that progress bars are drawn."""

import io
import logging
import sys


class TerminalStream(io.StringIO):
    """A captured stream that reports itself as a terminal."""

    def isatty(self):
        return True


def capture_terminal(monkeypatch, caplog) -> TerminalStream:
    """Make ``sys.stderr`` and the root logger write bare messages to one terminal.

    Progress bars write to ``sys.stderr`` as it is when they start, as the log handler
    does, so both end up in the returned stream.
    """
    terminal = TerminalStream()
    monkeypatch.setattr(sys, "stderr", terminal)
    caplog.set_level(logging.INFO)
    handler = logging.StreamHandler(terminal)
    handler.setFormatter(logging.Formatter("%(message)s"))
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])
    return terminal
