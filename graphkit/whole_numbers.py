"""Whole-number arguments given as an int, a NumPy integer or a one-element tensor.

A count such as ``num_nodes`` often arrives as a tensor: ``edge_index.max() + 1`` is
one, and a PyG ``Data`` may store its ``num_nodes`` as one. Such a tensor with an
integer dtype is a whole number. A bool is not, because ``True`` would silently count
as 1, and neither is a float, which fails later inside ``range`` or torch.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import torch
from torch import Tensor


class WrongTypeError(TypeError, ValueError):
    """An argument of the wrong type, such as ``2.5``, ``"3"`` or ``True`` for a count.

    It subclasses both TypeError and ValueError, so code that catches either one
    catches it.
    """


def as_whole_number(
    value, *, tensors: bool = True, minimum: int | None = None
) -> int | None:
    """Return ``value`` as an int when it is a whole number, else None.

    Python and NumPy integers pass, and so does a tensor with one element and an
    integer dtype. A bool, a float, a tensor of a bool, floating-point or complex
    dtype, a tensor of several elements and a meta tensor give None, so that the
    caller can raise an error that names the argument: :class:`WrongTypeError` for a
    wrong type, and ValueError for a whole number below the caller's bound.

    Args:
        value: the argument to read.
        tensors (bool): whether a one-element integer tensor passes. A caller that
            has always rejected tensors passes ``False``. (default: ``True``)
        minimum (int, optional): the smallest accepted value. A smaller whole
            number gives None too, for a caller whose one error covers both cases.
            (default: ``None``, no bound)
    """
    if isinstance(value, Tensor):
        dtype = value.dtype
        integer = not (dtype == torch.bool or dtype.is_floating_point or dtype.is_complex)
        # A meta tensor has no value to read.
        if not (tensors and integer and value.numel() == 1 and not value.is_meta):
            return None
        whole = int(value.item())
    elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    else:
        whole = int(value)
    if minimum is not None and whole < minimum:
        return None
    return whole


def require_whole_number(
    value,
    message: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    tensors: bool = True,
) -> int:
    """Return ``value`` as an int, raising with ``message`` unless it is in range.

    A value that :func:`as_whole_number` rejects raises WrongTypeError, and a whole
    number below ``minimum`` or above ``maximum`` raises ValueError.
    """
    whole = as_whole_number(value, tensors=tensors)
    if whole is None:
        raise WrongTypeError(message)
    if (minimum is not None and whole < minimum) or (
        maximum is not None and whole > maximum
    ):
        raise ValueError(message)
    return whole


def check_whole_number_fields(
    config, names: Iterable[str], *, optional: Iterable[str] = ()
) -> None:
    """Raise WrongTypeError for the first field of ``config`` in ``names`` that is no int.

    Python and NumPy integers pass, and so does ``None`` in a field named in
    ``optional``. A tensor raises, as does a bool, because ``True`` would silently
    count as 1.
    """
    may_be_none = set(optional)
    for name in names:
        value = getattr(config, name)
        if value is None and name in may_be_none:
            continue
        if as_whole_number(value, tensors=False) is not None:
            continue
        raise WrongTypeError(
            f"{name} must be an int, got {value!r} of type {type(value).__name__}"
        )
