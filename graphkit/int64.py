"""Range of the 64-bit signed integers that torch and numpy take as sizes and counts.

A whole-number option outside it overflows with a traceback once it reaches torch
or numpy ("Overflow when unpacking long long"), or, as a count of epochs or steps,
makes a run that never ends.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
