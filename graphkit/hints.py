"""The "did you mean" hint that errors about an unknown name carry."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

# Matches whose similarity is this close to the best one are shown too. A typo such
# as 'modle' is as close to 'mode' (a deletion) as to 'model' (a swap).
_TIE_MARGIN = 0.1


def did_you_mean(
    name: str, choices: Iterable[str], display: Callable[[str], str] = str
) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``.

    Similarity is difflib's ratio (cutoff 0.6). When a second choice scores within
    0.1 of the best, both are named: ``" (did you mean 'x' or 'y'?)"``.

    Args:
        name (str): the unknown name, already normalised like ``choices``.
        choices (Iterable[str]): the valid names.
        display (Callable, optional): maps a matched choice to the text shown.
    """
    choices = list(choices)
    close = difflib.get_close_matches(name, choices, n=2)
    if not close:
        return ""
    ratio = [difflib.SequenceMatcher(None, name, match).ratio() for match in close]
    matches = [display(m) for m, r in zip(close, ratio) if r >= ratio[0] - _TIE_MARGIN]
    return f" (did you mean {' or '.join(repr(m) for m in matches)}?)"
