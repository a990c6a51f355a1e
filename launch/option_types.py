"""Value types of command-line options that several commands share."""

from __future__ import annotations

import argparse

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
