"""Name a setting in an error message the way its caller wrote it.

Library code raises with ``option("batch_size")``. A Python caller then reads the
keyword or field name ``batch_size`` (``option("resume", "auto")`` gives
``resume='auto'``). Inside :func:`command_line_options`, which the ``graphkit`` command
line enters for each command, the same call gives the flag ``--batch-size`` (and
``--resume auto``), so one message serves both callers.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping

_UNSET = object()

# None: the caller is Python code. A dict: the caller is the command line, and the dict
# maps the fields whose flag is not "--" plus the field name with "-" for "_".
_FLAGS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "graphkit_option_flags", default=None
)


@contextlib.contextmanager
def command_line_options(flags: Mapping[str, str] | None = None) -> Iterator[None]:
    """Make :func:`option` name command-line flags inside this block.

    ``flags`` maps a field name to its flag where the two differ beyond ``_`` and
    ``-``, such as ``{"num_negatives": "--negatives"}``. An inner block adds its
    entries to those of an outer one.

    NOTE: the setting is a ``ContextVar``, which a ``threading.Thread`` started inside
    the block does not inherit by default, so errors raised there use Python wording.
    """
    outer = _FLAGS.get()
    token = _FLAGS.set({**(outer or {}), **(flags or {})})
    try:
        yield
    finally:
        _FLAGS.reset(token)


def from_command_line() -> bool:
    """Return whether the current code runs under :func:`command_line_options`."""
    return _FLAGS.get() is not None


def flag(name: str) -> str:
    """Return the command-line flag of field ``name``, e.g. ``--batch-size``."""
    flags = _FLAGS.get() or {}
    return flags.get(name, "--" + name.replace("_", "-"))


def option(name: str, value=_UNSET) -> str:
    """Return setting ``name`` (and ``value``, if given) as the caller wrote it.

    From Python: ``batch_size`` or ``resume='auto'``. From the command line:
    ``--batch-size`` or ``--resume auto``.
    """
    if not from_command_line():
        return name if value is _UNSET else f"{name}={value!r}"
    return flag(name) if value is _UNSET else f"{flag(name)} {value}"
