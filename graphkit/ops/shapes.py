"""Reshape node tensors to matrices, also when a partition has no nodes."""

from __future__ import annotations

import math

from torch import Tensor


def as_matrix(x: Tensor, rows: int | None = None) -> Tensor:
    """View ``x`` of shape ``[N, *F]`` as ``[N, prod(F)]`` (``[N, 1]`` for ``[N]``).

    ``x.reshape(N, -1)`` raises for ``N = 0``, because any width fits zero elements, and
    a partition without nodes passes such tensors. The width is taken from the shape.

    Args:
        x (Tensor): node tensor ``[N, *F]``.
        rows (int, optional): ``N``, by default ``x.size(0)``.
    """
    rows = x.size(0) if rows is None else rows
    return x.reshape(rows, math.prod(x.shape[1:]))
