"""The table of occupied lattice vertices and their blur neighbours.

In place of the hash table of Adams et al. (2010), the integer vertex keys are
deduplicated with :func:`torch.unique` and looked up with :func:`torch.searchsorted`,
vectorised over all points.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from graphkit.lattice.simplex import Simplices, simplex_vertices

_CODE_LIMIT = 2**62


@dataclass
class VertexTable:
    """Occupied lattice vertices of one point set.

    Attributes:
        index (Tensor): ``[n, d + 1]`` row of each point's simplex vertices in the table.
        neighbours (Tensor): ``[M, d + 1, 2]`` rows of the two blur neighbours of every
            vertex along each lattice direction, ``M`` (one past the last row) where the
            neighbour is not occupied.
        num_vertices (int): ``M``, the number of occupied vertices.
    """

    index: Tensor
    neighbours: Tensor
    num_vertices: int


def direction_offsets(d: int, device: torch.device | None = None) -> Tensor:
    """Return the ``[d + 1, d]`` key offsets of the ``d + 1`` lattice directions.

    Direction ``j`` adds 1 to every coordinate of the ``d + 1``-vector except ``-d`` at
    coordinate ``j``; only the first ``d`` coordinates form the key.
    """
    offsets = torch.ones(d + 1, d, dtype=torch.long, device=device)
    offsets[torch.arange(d), torch.arange(d)] = -d
    return offsets


def _key_strides(keys: Tensor, margin: int) -> tuple[Tensor, Tensor] | None:
    """Lowest key and mixed-radix strides covering ``keys`` +- ``margin``, if they fit.

    Returns ``None`` when the code range exceeds 62 bits (very spread positions or
    large ``d``).
    """
    low, high = torch.aminmax(keys, dim=0)
    low = low - margin
    radix = (high + margin - low + 1).tolist()
    strides = [1] * len(radix)
    span = 1
    for i in reversed(range(len(radix))):
        strides[i] = span
        span *= radix[i]
    if span >= _CODE_LIMIT:
        return None
    return low, torch.tensor(strides, dtype=torch.long, device=keys.device)


def _vertex_codes(simplices: Simplices, low: Tensor, strides: Tensor) -> Tensor:
    """Mixed-radix code of every simplex vertex, ``[n, d + 1]``, without forming keys.

    With ``key_r = x_0 + r - (d + 1)[rank > d - r]`` the code is
    ``code(x_0) + r sum(strides) - (d + 1) sum_{i: rank_i > d - r} strides_i``; the
    last sum is a suffix sum of the strides ordered by rank.
    """
    rem0, rank = simplices.rem0, simplices.rank
    n, k = rank.shape
    base = (rem0[:, : k - 1] - low) @ strides  # [n]
    stride_by_rank = torch.zeros_like(rank).scatter_(
        1, rank, torch.cat([strides, strides.new_zeros(1)]).expand(n, k)
    )
    suffix = (
        stride_by_rank.flip(1).cumsum(1).flip(1)
    )  # suffix[:, q] = sum over rank >= q
    wrapped = torch.cat([suffix.new_zeros(n, 1), suffix[:, 1:].flip(1)], 1)  # vertex r
    r = torch.arange(k, device=rank.device)
    return base.unsqueeze(1) + r * strides.sum() - k * wrapped


def build_table(simplices: Simplices, force_unique_rows: bool = False) -> VertexTable:
    """Deduplicate the simplex vertices of all points and find their blur neighbours.

    Keys are encoded as mixed-radix ``int64`` codes when the key range fits into 62
    bits. A neighbour's code is then the vertex code plus the offset's code, and the
    sorted codes from :func:`torch.unique` are searched directly. Otherwise whole key
    rows are deduplicated with ``torch.unique(dim=0)``, which sorts rows and is slower.

    Args:
        simplices (Simplices): from :func:`~graphkit.lattice.simplex.enclosing_simplex`.
        force_unique_rows (bool): take the row-sorting path even when codes fit (for
            tests). (default: ``False``)
    """
    n, k = simplices.rank.shape
    d = k - 1
    offsets = direction_offsets(d, simplices.rank.device)  # [k, d]; entries in [-d, 1]
    # Vertex keys lie within d of the remainder-0 point, and neighbours d further.
    fitted = None if force_unique_rows else _key_strides(simplices.rem0[:, :d], 2 * d)
    if fitted is not None:
        low, strides = fitted
        codes = _vertex_codes(simplices, low, strides)
        vertex_codes, point_index = torch.unique(codes, return_inverse=True)
        offset_codes = offsets @ strides  # [k]
        neighbour_codes = torch.stack(
            [
                vertex_codes.unsqueeze(1) + offset_codes,
                vertex_codes.unsqueeze(1) - offset_codes,
            ],
            dim=-1,
        )  # [M, k, 2]
    else:
        flat = simplex_vertices(simplices).reshape(-1, d)
        unique_keys, point_index = torch.unique(flat, dim=0, return_inverse=True)
        neighbour_keys = torch.stack(
            [unique_keys.unsqueeze(1) + offsets, unique_keys.unsqueeze(1) - offsets],
            dim=2,
        )  # [M, k, 2, d]
        m = unique_keys.size(0)
        together = torch.cat([unique_keys, neighbour_keys.reshape(-1, d)])
        _, codes = torch.unique(together, dim=0, return_inverse=True)
        vertex_codes, neighbour_codes = codes[:m], codes[m:].view(m, k, 2)
    neighbours = _lookup(vertex_codes, neighbour_codes)
    return VertexTable(point_index.view(n, k), neighbours, vertex_codes.size(0))


def _lookup(vertex_codes: Tensor, query_codes: Tensor) -> Tensor:
    """Row of each query code among the vertex codes, ``len(vertex_codes)`` if absent."""
    order = torch.argsort(vertex_codes)
    sorted_codes = vertex_codes[order]
    m = vertex_codes.size(0)
    position = torch.searchsorted(sorted_codes, query_codes).clamp(max=m - 1)
    found = sorted_codes[position] == query_codes
    return torch.where(found, order[position], torch.full_like(position, m))
