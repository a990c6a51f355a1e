"""Checks for hints that name keyword arguments for Python callers and flags for the CLI.

A message raised or logged for a Python caller must name no command-line flag, because
that caller passes keyword arguments or config fields.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

# A command-line flag such as --dataset-options or --compression-ratio.
FLAG = re.compile(r"--[a-z]")


@contextmanager
def logged_messages(logger_name: str, level: int = logging.INFO) -> Iterator[list[str]]:
    """Collect the messages that ``logger_name`` logs at ``level`` and above."""
    messages = []
    handler = logging.Handler(level)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger(logger_name)
    logger_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logger_level)


def only_python_hint(messages: list[str]) -> str:
    """Return the one message of ``messages``, checking that it names no flag."""
    assert len(messages) == 1, messages
    assert not FLAG.search(messages[0]), messages[0]
    return messages[0]


def python_error_hint(
    error_type: type[Exception], function: Callable, *args, **kwargs
) -> str:
    """Call ``function``, and return the message of the ``error_type`` it raises.

    The test fails if the call raises no ``error_type`` or the message names a flag.
    """
    with pytest.raises(error_type) as error:
        function(*args, **kwargs)
    return only_python_hint([str(error.value)])
