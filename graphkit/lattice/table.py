"""The table of occupied lattice vertices, their blur neighbours and the splat matrix.

In place of the hash table of Adams et al. (2010), the ``n (d + 1)`` integer vertex
codes are sorted once, vectorised over all points. That one sort deduplicates the
vertices and also groups the (point, vertex) pairs by vertex, which is the compressed
sparse row (CSR) layout of the splat matrix ``S`` (``M x n``). Slicing uses ``S^T``,
whose CSR layout is the per-point index itself, so neither needs a second sort.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import Tensor

from graphkit.lattice.simplex import BLOCK_ROWS, Simplices, simplex_vertices

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
        splat_order (Tensor): ``[n (d + 1)]`` positions in ``index.flatten()`` grouped
            by vertex: the entries of vertex ``v`` are
            ``splat_order[vertex_offsets[v]:vertex_offsets[v + 1]]``.
        vertex_offsets (Tensor): ``[M + 1]`` start of each vertex's group.
    """

    index: Tensor
    neighbours: Tensor
    num_vertices: int
    splat_order: Tensor
    vertex_offsets: Tensor

    def splat_matrix(self, weights: Tensor) -> Tensor:
        """Build the sparse CSR splat matrix ``S`` (``M x n``).

        Entry ``S[index[i, r], i]`` is ``weights[i, r]``.
        """
        n, k = self.index.shape
        return _csr(
            self.vertex_offsets,
            self.splat_order // k,
            weights.reshape(-1)[self.splat_order],
            (self.num_vertices, n),
        )

    def slice_matrix(self, weights: Tensor) -> Tensor:
        """Build the sparse CSR slice matrix ``S^T`` (``n x M``).

        Each row has ``d + 1`` entries in ``index`` order.
        """
        n, k = self.index.shape
        rows = torch.arange(0, n * k + 1, k, device=self.index.device)
        return _csr(
            rows, self.index.reshape(-1), weights.reshape(-1), (n, self.num_vertices)
        )


def _csr(
    offsets: Tensor, columns: Tensor, values: Tensor, size: tuple[int, int]
) -> Tensor:
    # The layout is valid by construction, so torch's invariant check is skipped.
    with warnings.catch_warnings():
        # torch warns that sparse CSR support is in beta state.
        warnings.filterwarnings("ignore", message=".*[Ss]parse CSR tensor support")
        return torch.sparse_csr_tensor(
            offsets, columns, values, size, check_invariants=False
        )


def direction_offsets(d: int, device: torch.device | None = None) -> Tensor:
    """Return the ``[d + 1, d]`` key offsets of the ``d + 1`` lattice directions.

    Direction ``j`` adds 1 to every coordinate of the ``d + 1``-vector except ``-d`` at
    coordinate ``j``; only the first ``d`` coordinates form the key.
    """
    offsets = torch.ones(d + 1, d, dtype=torch.long, device=device)
    offsets[torch.arange(d), torch.arange(d)] = -d
    return offsets


def _key_strides(keys: Tensor, margin: int) -> tuple[Tensor, Tensor, int] | None:
    """Return the lowest key, mixed-radix strides and code span of ``keys`` +- ``margin``.

    Every code of such a key lies in ``[0, span)``. Returns ``None`` when the code range
    exceeds 62 bits, which happens for widely spread positions or large ``d``.
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
    return low, torch.tensor(strides, dtype=torch.long, device=keys.device), span


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


def _all_vertex_codes(
    simplices: Simplices, low: Tensor, strides: Tensor, span: int
) -> Tensor:
    """Compute :func:`_vertex_codes` block by block, as ``int32`` where ``span`` fits.

    Blocks keep the temporaries in cache, and ``int32`` codes halve the sort's memory
    traffic.
    """
    rem0, rank = simplices.rem0, simplices.rank
    dtype = torch.int32 if span <= 2**31 else torch.long
    codes = torch.empty(rank.shape, dtype=dtype, device=rank.device)
    for start in range(0, rank.size(0), BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        block = Simplices(rem0[rows], rank[rows], simplices.weights[rows])
        codes[rows] = _vertex_codes(block, low, strides)
    return codes


def build_table(simplices: Simplices, force_unique_rows: bool = False) -> VertexTable:
    """Deduplicate the simplex vertices of all points and find their blur neighbours.

    Keys are encoded as mixed-radix ``int64`` codes when the key range fits into 62
    bits. One :func:`torch.sort` of the codes then gives the vertices (runs of equal
    codes), each point's vertex rows and the splat matrix's CSR order. A neighbour's
    code is the vertex code plus the offset's code, and it is searched in the sorted
    codes.
    Otherwise whole key rows are deduplicated with ``torch.unique(dim=0)``, which sorts
    rows and is slower, and the pairs are grouped by a second sort.

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
        low, strides, span = fitted
        codes = _all_vertex_codes(simplices, low, strides, span)
        vertex_codes, point_index, splat_order, offsets_by_vertex = _sorted_runs(
            codes.reshape(-1)
        )
        vertex_codes = vertex_codes.long()
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
        _, _, splat_order, offsets_by_vertex = _sorted_runs(point_index)
    neighbours = _lookup(vertex_codes, neighbour_codes)
    return VertexTable(
        point_index.view(n, k),
        neighbours,
        vertex_codes.size(0),
        splat_order,
        offsets_by_vertex,
    )


def _sorted_runs(codes: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Deduplicate ``codes`` with one sort.

    Returns the distinct codes in increasing order (``[M]``), the row of each input
    among them (``[len(codes)]``), the sorting permutation (inputs grouped by row) and
    the ``[M + 1]`` start of each row's group in that permutation.
    """
    sorted_codes, order = torch.sort(codes)
    starts = torch.ones_like(sorted_codes, dtype=torch.bool)
    starts[1:] = sorted_codes[1:] != sorted_codes[:-1]
    row_of_sorted = starts.cumsum(0) - 1
    rows = torch.empty_like(row_of_sorted)
    rows[order] = row_of_sorted
    offsets = torch.cat(
        [
            starts.nonzero().squeeze(1),
            starts.new_full((1,), codes.numel(), dtype=torch.long),
        ]
    )
    return sorted_codes[starts], rows, order, offsets


def _lookup(vertex_codes: Tensor, query_codes: Tensor) -> Tensor:
    """Row of each query code among the vertex codes, ``len(vertex_codes)`` if absent."""
    order = torch.argsort(vertex_codes)
    sorted_codes = vertex_codes[order]
    m = vertex_codes.size(0)
    position = torch.searchsorted(sorted_codes, query_codes).clamp(max=m - 1)
    found = sorted_codes[position] == query_codes
    return torch.where(found, order[position], torch.full_like(position, m))
