"""Value types of command-line options that several commands share."""

from __future__ import annotations

import argparse


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
    """Parse an option value that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value
