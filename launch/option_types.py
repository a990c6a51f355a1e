"""Value types of command-line options that several commands share."""

from __future__ import annotations

import argparse
import os

from graphkit.int64 import INT64_MAX, out_of_range_message


def seed_option(text: str) -> int:
    """Parse a seed that torch.Generator.manual_seed accepts (64 bits)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not -(2**63) <= value < 2**64:
        raise argparse.ArgumentTypeError(
            f"expected an integer in [-2^63, 2^64), the range of a torch seed, got {text}"
        )
    return value


def positive_int(text: str) -> int:
    """Parse an option value that must be a whole number from 1 to the int64 maximum."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return _check_int64(value, 1)


def count_option(minimum: int):
    """Return an argparse type for a whole number from ``minimum`` to the int64 maximum.

    Only the maximum is checked here, because a value above it overflows inside
    torch or numpy with a traceback. The command checks ``minimum`` with its own
    message, and this type names it in the range.
    """

    def parse(text: str) -> int:
        # A ValueError makes argparse print "invalid int value: TEXT".
        return _check_int64(int(text), minimum)

    parse.__name__ = "int"
    return parse


def _check_int64(value: int, minimum: int) -> int:
    """Return ``value``, or raise ArgumentTypeError when it exceeds the int64 maximum."""
    if value > INT64_MAX:
        raise argparse.ArgumentTypeError(out_of_range_message(str(value), minimum))
    return value


class AppendOnce(argparse.Action):
    """Collect the values of a repeatable option, as ``action="append"`` does.

    A value given twice is an error, because the command would otherwise load and use
    it twice. Two paths are the same value when they resolve to the same location,
    so a relative path and its absolute path count as one.
    """

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        # A copy, so that the default list is never changed in place.
        collected = list(getattr(namespace, self.dest) or [])
        earlier = next((value for value in collected if _same_value(value, values)), None)
        if earlier is not None:
            spelling = "" if str(earlier) == str(values) else f" (first as {earlier})"
            parser.error(
                f"{option_string} {values} is given twice{spelling}. Give each value "
                "once"
            )
        collected.append(values)
        setattr(namespace, self.dest, collected)


def _same_value(first, second) -> bool:
    if isinstance(first, os.PathLike) and isinstance(second, os.PathLike):
        # os.path.realpath returns a symbolic link loop unresolved, where Path.resolve
        # raises RuntimeError (Python 3.11). The command later names the loop in its error.
        return os.path.realpath(first) == os.path.realpath(second)
    return first == second
