"""The table of occupied lattice vertices, their blur neighbours, splat and slice.

In place of the hash table of Adams et al. (2010), every simplex vertex gets an integer
code, and the codes are deduplicated in one vectorised step. All coordinates of a
lattice point are congruent to one remainder ``r`` modulo ``d + 1``. Its first ``d``
coordinates are therefore ``key = r + (d + 1) q`` with an integer vector ``q``, and
the code is

.. math::
    \\mathrm{code} = r + (d + 1) \\sum_{i < d} (q_i - q^{\\min}_i)\\, s_i

with mixed-radix strides ``s_i`` over the bounding box of ``q`` (widened by two cells
below and one above, so that blur neighbours stay inside). For points of constant density
that box contains about as many cells as there are points. Three ways to deduplicate:

* ``"direct"``: mark the codes in a table over the whole code range and number the
  marked codes in increasing order in a second such table, ``O(n (d + 1) + range)``
  with no sort. A blur neighbour is a lookup at the vertex code plus a fixed offset.
* ``"sort"``: one sort of the codes, ``O(n (d + 1) log n)``, and neighbours by binary
  search. Taken when the code range exceeds :data:`DIRECT_RANGE_FACTOR` times the
  number of codes (points spread thinly over a large box).
* ``"rows"``: :func:`torch.unique` over whole key rows, when codes would not fit into
  62 bits (widely spread positions or large ``d``).

The first two number the vertices in increasing code order and give identical tables.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional as F

from graphkit.lattice.simplex import BLOCK_POINTS, Simplices, simplex_vertices

_CODE_LIMIT = 2**62

#: The direct-address table is used while the code range is at most this many times
#: the number of codes ``n (d + 1)``. Beyond that, the codes are sorted instead.
DIRECT_RANGE_FACTOR = 8

#: Maximum code range of a forced ``"direct"`` table, at 5 bytes per code (a ``bool``
#: mark and an ``int32`` row).
DIRECT_RANGE_LIMIT = 2**28

#: Number of points per :meth:`VertexTable.splat` block. The block bounds the size of
#: the temporary weighted values (``rows x (d + 1) x c``) so they can stay in cache.
SPLAT_ROWS = 2**11

METHODS = ("auto", "direct", "sort", "rows")


@dataclass
class VertexTable:
    """Occupied lattice vertices of one point set, with splat and slice operators.

    The splat matrix ``S`` (``M x n``) has entry ``weights[i, r]`` at row
    ``index[i, r]`` and column ``i``. Slicing applies ``S^T``.

    Attributes:
        index (Tensor): ``[n, d + 1]`` row of each point's simplex vertices in the table,
            ``int32`` (``int64`` from ``2^31`` entries on).
        neighbours (Tensor): ``[M, d + 1, 2]`` rows of the two blur neighbours of every
            vertex along each lattice direction, ``M`` (one past the last row) where the
            neighbour is not occupied.
        num_vertices (int): ``M``, the number of occupied vertices.
        method (str): how the vertices were deduplicated: ``"direct"``, ``"sort"`` or
            ``"rows"``.
    """

    index: Tensor
    neighbours: Tensor
    num_vertices: int
    method: str

    def splat(self, values: Tensor, weights: Tensor) -> Tensor:
        """Splat values ``[n, c]`` with weights ``[n, d + 1]`` into ``S V``, ``[M, c]``.

        Each point adds its weighted values to its vertices in point order (one
        ``index_add_`` per block of :data:`SPLAT_ROWS` points), so the pairs need no
        grouping by vertex.
        """
        n, c = values.shape
        out = values.new_zeros(self.num_vertices, c)
        for start in range(0, n, SPLAT_ROWS):
            rows = slice(start, start + SPLAT_ROWS)
            weighted = weights[rows].unsqueeze(2) * values[rows].unsqueeze(1)
            index = self.index[rows].reshape(-1).long()
            out.index_add_(0, index, weighted.reshape(-1, c))
        return out

    def splat_ones(self, weights: Tensor) -> Tensor:
        """Sum the weights at each vertex, which is ``S 1``, ``[M, 1]``."""
        return torch.bincount(
            self.index.reshape(-1), weights.reshape(-1), minlength=self.num_vertices
        ).unsqueeze(1)

    def slice(self, lattice: Tensor, weights: Tensor) -> Tensor:
        """Slice lattice values ``L`` to the points as ``S^T L``, ``[n, c]``.

        Each point gets the weighted sum of its vertex rows.
        """
        return F.embedding_bag(
            self.index, lattice, per_sample_weights=weights, mode="sum"
        )

    def slice_matrix(self, weights: Tensor, points: object = None) -> Tensor:
        """Build the sparse CSR slice matrix ``S^T`` (``n x M``), or its ``points`` rows.

        Each row has ``d + 1`` entries in ``index`` order, so no sort is needed.
        ``points`` is a :class:`slice` of the points, ``None`` for all of them.
        """
        index = self.index if points is None else self.index[points]
        weights = weights if points is None else weights[points]
        n, k = index.shape
        rows = torch.arange(0, n * k + 1, k, dtype=index.dtype, device=index.device)
        # The layout is valid by construction, so torch's invariant check is skipped.
        with warnings.catch_warnings():
            # torch warns that sparse CSR support is in beta state.
            warnings.filterwarnings("ignore", message=".*[Ss]parse CSR tensor support")
            return torch.sparse_csr_tensor(
                rows,
                index.reshape(-1),
                weights.reshape(-1),
                (n, self.num_vertices),
                check_invariants=False,
            )


def direction_offsets(d: int, device: torch.device | None = None) -> Tensor:
    """Return the ``[d + 1, d]`` key offsets of the ``d + 1`` lattice directions.

    Direction ``j`` adds 1 to every coordinate of the ``d + 1``-vector except ``-d`` at
    coordinate ``j``; only the first ``d`` coordinates form the key.
    """
    offsets = torch.ones(d + 1, d, dtype=torch.long, device=device)
    diagonal = torch.arange(d, device=device)
    offsets[diagonal, diagonal] = -d
    return offsets


@dataclass
class _CodeLayout:
    """Mixed-radix layout of vertex codes: the lowest ``q``, strides and code range."""

    low: Tensor
    strides: Tensor
    span: int


def _code_layout(quotient: Tensor) -> _CodeLayout | None:
    """Fit the code layout to the remainder-0 points' ``quotient`` ``[d + 1, n]``.

    A vertex's ``q`` is the quotient or one less per coordinate, and a neighbour's is
    one further, so the box is widened by two below and one above. Returns ``None``
    when the code range exceeds 62 bits.
    """
    k = quotient.size(0)
    low, high = torch.aminmax(quotient[: k - 1], dim=1)
    low = low - 2
    radix = (high + 1 - low + 1).tolist()
    strides = [1] * len(radix)
    cells = 1
    for i in reversed(range(len(radix))):
        strides[i] = cells
        cells *= radix[i]
    span = k * cells
    if span >= _CODE_LIMIT:
        return None
    return _CodeLayout(low, torch.tensor(strides, device=quotient.device), span)


def _vertex_codes(simplices: Simplices, layout: _CodeLayout) -> Tensor:
    """Compute the ``[d + 1, n]`` simplex vertex codes, row ``r`` for vertex ``r``.

    Vertex ``r`` has ``q_i = x_{0,i} / (d + 1) - [rank_i > d - r]``. Going from vertex
    ``r - 1`` to ``r`` wraps the coordinate of rank ``d + 1 - r``. Let ``t_m`` be the
    stride of the coordinate of rank ``m`` (0 for coordinate ``d``). Then the codes
    follow ``code_r = code_{r-1} + 1 - (d + 1) t_{d+1-r}``. Codes are ``int32`` where
    the range fits, which halves the memory traffic of the deduplication.
    """
    quotient, ascending = simplices.quotient, simplices.ascending
    k, n = ascending.shape
    dtype = torch.int32 if layout.span <= 2**31 else torch.long
    strides = torch.cat([layout.strides, layout.strides.new_zeros(1)]).to(dtype)
    low = layout.low.to(dtype).view(-1, 1)
    codes = torch.empty(k, n, dtype=dtype, device=ascending.device)
    for start in range(0, n, BLOCK_POINTS):
        cols = slice(start, start + BLOCK_POINTS)
        q = quotient[: k - 1, cols].to(dtype) - low
        code = k * (q * strides[:-1].view(-1, 1)).sum(0, dtype=dtype)
        # Row j contains the stride of the coordinate of rank d - j.
        index = ascending[:, cols]
        by_ascending = torch.zeros(index.shape, dtype=dtype, device=index.device)
        by_ascending.scatter_(0, index, strides.view(k, 1).expand(index.shape))
        codes[0, cols] = code
        for r in range(1, k):
            code += 1 - k * by_ascending[r - 1]
            codes[r, cols] = code
    return codes


def _neighbour_codes(vertex_codes: Tensor, layout: _CodeLayout) -> Tensor:
    """Compute the ``[M, d + 1, 2]`` codes of each vertex's ``+`` and ``-`` neighbours.

    Along direction ``j`` the remainder moves from ``r`` to ``r + 1`` (mod ``d + 1``).
    Below ``r = d`` only ``q_j`` drops by one, so the code moves by
    ``1 - (d + 1) s_j``. From ``r = d`` every other ``q_i`` grows by one, a move of
    ``-d + (d + 1)(sum_i s_i - s_j)`` (with ``s_d = 0``). The ``-`` neighbour undoes
    the move of the ``+`` neighbour of the vertex one remainder lower.
    """
    k = layout.strides.numel() + 1
    d = k - 1
    s = torch.cat([layout.strides, layout.strides.new_zeros(1)])  # [k], with s_d = 0
    up = torch.where(
        torch.arange(k, device=s.device).view(k, 1) < d,
        1 - k * s.view(1, k),
        -d + k * (s.sum() - s.view(1, k)),
    )  # up[r, j] is the code move to the + neighbour from remainder r.
    down = -up.roll(1, 0)  # down[r, j] undoes the + move from remainder r - 1.
    moves = torch.stack([up, down], dim=2)  # [k, k, 2]
    remainder = vertex_codes % k
    return vertex_codes.view(-1, 1, 1) + moves[remainder]


def _direct_rows(codes: Tensor, layout: _CodeLayout) -> tuple[Tensor, Tensor]:
    """Deduplicate by marking the ``[d + 1, n]`` codes in a table over the code range.

    Returns the ``[n, d + 1]`` index and the ``[M, d + 1, 2]`` neighbours, with the
    vertices numbered in increasing code order.
    """
    present = torch.zeros(layout.span, dtype=torch.bool, device=codes.device)
    present[codes.reshape(-1)] = True
    vertex_codes = present.nonzero().squeeze(1)
    m = vertex_codes.numel()
    dtype = _index_dtype(codes.numel())
    row_of_code = torch.full((layout.span,), m, dtype=dtype, device=codes.device)
    row_of_code[vertex_codes] = torch.arange(m, dtype=dtype, device=codes.device)
    index = row_of_code.index_select(0, codes.T.reshape(-1)).view(-1, codes.size(0))
    neighbours = row_of_code[_neighbour_codes(vertex_codes, layout)].long()
    return index, neighbours


def _sorted_rows(codes: Tensor, layout: _CodeLayout) -> tuple[Tensor, Tensor]:
    """Deduplicate by sorting the codes, with the same results as :func:`_direct_rows`."""
    vertex_codes, index = torch.unique(codes.T.long(), sorted=True, return_inverse=True)
    neighbours = _lookup(vertex_codes, _neighbour_codes(vertex_codes, layout))
    return index.to(_index_dtype(index.numel())), neighbours


def _index_dtype(entries: int) -> torch.dtype:
    """Pick ``int32`` for the vertex index below ``2^31`` entries, else ``int64``."""
    return torch.int32 if entries < 2**31 else torch.long


def _lookup(sorted_codes: Tensor, query_codes: Tensor) -> Tensor:
    """Find the row of each query code in the increasing ``sorted_codes``.

    Absent codes get ``len(sorted_codes)``.
    """
    m = sorted_codes.size(0)
    position = torch.searchsorted(sorted_codes, query_codes).clamp(max=m - 1)
    found = sorted_codes[position] == query_codes
    return torch.where(found, position, torch.full_like(position, m))


def _unique_rows(simplices: Simplices) -> tuple[Tensor, Tensor]:
    """Deduplicate whole key rows, with no limit on the code range.

    Returns the ``[n (d + 1)]`` index and the ``[M, d + 1, 2]`` neighbours.
    """
    k = simplices.rank.size(0)
    d = k - 1
    flat = simplex_vertices(simplices).reshape(-1, d)
    unique_keys, index = torch.unique(flat, dim=0, return_inverse=True)
    offsets = direction_offsets(d, flat.device)
    neighbour_keys = torch.stack(
        [unique_keys.unsqueeze(1) + offsets, unique_keys.unsqueeze(1) - offsets], dim=2
    )  # [M, k, 2, d]
    m = unique_keys.size(0)
    together = torch.cat([unique_keys, neighbour_keys.reshape(-1, d)])
    _, rows = torch.unique(together, dim=0, return_inverse=True)
    neighbours = _lookup(rows[:m], rows[m:].view(m, k, 2))
    return index.to(_index_dtype(index.numel())), neighbours


def build_table(simplices: Simplices, method: str = "auto") -> VertexTable:
    """Deduplicate the simplex vertices of all points and find their blur neighbours.

    Args:
        simplices (Simplices): from :func:`~graphkit.lattice.simplex.enclosing_simplex`.
        method (str): ``"direct"``, ``"sort"`` or ``"rows"`` (see the module
            docstring), or ``"auto"``. ``"auto"`` takes ``"direct"`` while the code
            range is at most :data:`DIRECT_RANGE_FACTOR` times the number of codes,
            else ``"sort"``. Every method falls back to ``"rows"`` when codes do not
            fit into 62 bits. (default: ``"auto"``)

    Raises:
        ValueError: if ``method`` is unknown, or ``"direct"`` is forced on a code
            range over :data:`DIRECT_RANGE_LIMIT`.
    """
    if method not in METHODS:
        raise ValueError(f"invalid method {method!r}: expected one of {METHODS}")
    k, n = simplices.rank.shape
    layout = None if method == "rows" else _code_layout(simplices.quotient)
    if layout is None:
        index, neighbours = _unique_rows(simplices)
        method = "rows"
    else:
        if method == "auto":
            direct = layout.span <= DIRECT_RANGE_FACTOR * n * k
            method = "direct" if direct else "sort"
        elif method == "direct" and layout.span > DIRECT_RANGE_LIMIT:
            raise ValueError(
                f"method='direct' needs a table of {layout.span} codes for these "
                f"positions, over the limit of {DIRECT_RANGE_LIMIT}. Use method='auto' "
                f"or method='sort'."
            )
        codes = _vertex_codes(simplices, layout)
        rows_of = _direct_rows if method == "direct" else _sorted_rows
        index, neighbours = rows_of(codes, layout)
    return VertexTable(index.view(n, k), neighbours, neighbours.size(0), method)
