"""Log records printed above a progress bar rather than glued to its end.

A tqdm bar leaves the cursor at the end of its line, so a log record written to the
same terminal starts there and the bar redraws on the next line. Inside
:func:`logs_above_bar`, the console handlers of a logger write through ``tqdm.write``,
which clears the bar, prints the record on its own line and redraws the bar below it.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import Iterator

from tqdm import tqdm


class _BarSafeStream:
    """A text stream whose writes go through ``tqdm.write`` to the wrapped stream."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        tqdm.write(text, file=self.stream, end="")

    def flush(self) -> None:
        self.stream.flush()


@contextmanager
def logs_above_bar(bar: tqdm, logger: logging.Logger | None = None) -> Iterator[None]:
    """Print the records of ``logger``'s console handlers (default: root) above ``bar``.

    Only handlers that write to ``bar``'s stream, to ``sys.stdout`` or to
    ``sys.stderr`` change, and each keeps its formatter and filters. A disabled bar
    changes nothing.
    """
    if bar.disable:
        yield
        return
    logger = logging.getLogger() if logger is None else logger
    streams = (getattr(bar.fp, "_wrapped", bar.fp), sys.stdout, sys.stderr)
    swapped = []
    for handler in logger.handlers:
        # A FileHandler is a StreamHandler too, but its file has no bar to avoid.
        if type(handler) is logging.StreamHandler and handler.stream in streams:
            swapped.append((handler, handler.stream))
            handler.setStream(_BarSafeStream(handler.stream))
    try:
        yield
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)
