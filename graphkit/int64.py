"""Range of the 64-bit signed integers that torch and numpy take as sizes and counts.

A whole-number option outside it overflows with a traceback once it reaches torch
or numpy ("Overflow when unpacking long long"), or, as a count of epochs or steps,
makes a run that never ends.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def out_of_range_message(label: str, minimum: int) -> str:
    """Return the error text for a whole number ``label`` above :data:`INT64_MAX`.

    ``label`` names the value, such as ``"--epochs 1e30"`` or the bare number.
    """
    return (
        f"{label} is out of range. Give a whole number from {minimum} to "
        f"{INT64_MAX}, the 64-bit integer range"
    )
