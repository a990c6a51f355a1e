"""Name a setting in an error message the way its caller wrote it.

Library code raises with ``option("batch_size")``. A Python caller then reads the
keyword or field name ``batch_size`` (``option("resume", "auto")`` gives
``resume='auto'``). Inside :func:`command_line_options`, which the ``graphkit`` command
line enters for each command, the same call gives the flag ``--batch-size`` (and
``--resume auto``), so one message serves both callers. A setting read from a config
file is named as a key of that file (see :func:`options_from_file`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Mapping

_UNSET = object()

# None: the caller is Python code. A dict: the caller is the command line, and the dict
# maps each field whose flag is not the default spelling (--batch-size for batch_size).
_FLAGS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "graphkit_option_flags", default=None
)

# Settings that the caller wrote in a config file, by name, with that file's path.
_FILE_FIELDS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "graphkit_option_file_fields", default=None
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


@contextlib.contextmanager
def options_from_file(path: str, names: Iterable[str]) -> Iterator[None]:
    """Make :func:`option` name each of ``names`` as a key of the config file ``path``.

    This applies to Python and command-line callers alike, because both wrote those
    settings in the file.
    """
    outer = _FILE_FIELDS.get() or {}
    token = _FILE_FIELDS.set({**outer, **dict.fromkeys(names, str(path))})
    try:
        yield
    finally:
        _FILE_FIELDS.reset(token)


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
    ``--batch-size`` or ``--resume auto``. From a config file: ``batch_size in
    run.yaml`` or ``resume: auto in run.yaml``.
    """
    path = (_FILE_FIELDS.get() or {}).get(name)
    if path is not None:
        return f"{name} in {path}" if value is _UNSET else f"{name}: {value} in {path}"
    if not from_command_line():
        return name if value is _UNSET else f"{name}={value!r}"
    return flag(name) if value is _UNSET else f"{flag(name)} {value}"
