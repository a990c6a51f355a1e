"""Random generators seeded from a whole number of any integer type.

``torch.Generator.manual_seed`` takes only a Python int: a seed read from a NumPy
array (``np.int64(3)``) or a tensor raises "an integer is required" there, which does
not name the argument. Here such seeds give the same generator as the equal int.
"""

from __future__ import annotations

import torch

from graphkit.whole_numbers import WrongTypeError, as_whole_number


def seeded_generator(seed, name: str = "seed") -> torch.Generator:
    """Return a CPU ``torch.Generator`` seeded with ``seed``.

    Args:
        seed: a Python or NumPy integer, or a one-element integer tensor.
        name (str): the argument's name for the error. (default: ``"seed"``)

    Raises:
        WrongTypeError: ``seed`` is a bool, a float or another non-integer. It is
            a TypeError and a ValueError.
    """
    whole = as_whole_number(seed)
    if whole is None:
        raise WrongTypeError(
            f"{name} must be an integer, got {seed!r} ({type(seed).__name__})"
        )
    return torch.Generator().manual_seed(whole)
