"""The "did you mean" hint that errors about an unknown name carry."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

# Matches whose similarity is this close to the best one are shown too. A typo such
# as 'modle' is as close to 'mode' (a deletion) as to 'model' (a swap).
_TIE_MARGIN = 0.1
# Matches below this similarity are not shown, as in difflib.get_close_matches.
_CUTOFF = 0.6


def did_you_mean(
    name: str, choices: Iterable[str], display: Callable[[str], str] = str
) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``.

    Similarity is difflib's ratio (cutoff 0.6). When a second choice scores within
    0.1 of the best, both are named: ``" (did you mean 'x' or 'y'?)"``. Choices with
    equal scores come in sorted order, so ``fb237`` suggests ``fb237_v1`` first.

    Args:
        name (str): the unknown name, already normalised like ``choices``.
        choices (Iterable[str]): the valid names.
        display (Callable, optional): maps a matched choice to the text shown.
    """
    # difflib.get_close_matches breaks ties in reverse order, so score here instead,
    # with its two quick upper bounds first, because KG entity lists can be long.
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name)
    scored = []
    for choice in set(choices):
        matcher.set_seq1(choice)
        if matcher.real_quick_ratio() < _CUTOFF or matcher.quick_ratio() < _CUTOFF:
            continue
        ratio = matcher.ratio()
        if ratio >= _CUTOFF:
            scored.append((-ratio, choice))
    close = [(-score, choice) for score, choice in sorted(scored)[:2]]
    if not close:
        return ""
    best = close[0][0]
    matches = [display(c) for ratio, c in close if ratio >= best - _TIE_MARGIN]
    return f" (did you mean {' or '.join(repr(m) for m in matches)}?)"
