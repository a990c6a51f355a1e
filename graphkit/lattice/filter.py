"""High-dimensional Gaussian filtering with the permutohedral lattice.

Adams, Baek and Davis, "Fast High-Dimensional Filtering Using the Permutohedral
Lattice" (Eurographics 2010). For positions :math:`p_i \\in \\mathbb{R}^d` and values
:math:`v_i \\in \\mathbb{R}^c` the normalised Gaussian filter is

.. math::
    y_i = \\frac{\\sum_j k(p_i, p_j)\\, v_j}{\\sum_j k(p_i, p_j)}, \\qquad
    k(p, q) = \\exp\\!\\big(-\\tfrac{1}{2}\\lVert p - q \\rVert^2\\big).

The lattice computes :math:`Y = S^\\top B S V` (unnormalised) where the splat matrix
:math:`S` (``M x n``) contains each point's barycentric weights on the ``d + 1`` vertices
of its enclosing simplex, and :math:`B = B_d \\cdots B_0` blurs with the kernel
``[1/4, 1/2, 1/4]`` along each of the ``d + 1`` lattice directions (a vertex missing from
the table counts as zero). The normalised output divides by the same filter applied to a
channel of ones, which also removes the kernel's constant factor. Cost:
``O(n (d^2 + d c) + M d c)`` with ``M <= n (d + 1)`` occupied vertices, plus the code
range of the vertex table (:mod:`graphkit.lattice.table`), which grows like ``n`` for
points of constant density.

Accuracy: the lattice kernel is a piecewise-linear approximation of :math:`k`, and it
is truncated where the lattice is sparse, because the blur does not pass through
unoccupied vertices. For 1000 points uniform in a cube of side 2 (standard deviations)
with four standard-normal value channels in float64, the relative Frobenius error of
the normalised output against :func:`~graphkit.lattice.dense.dense_gaussian_filter`
measured, over ``torch.manual_seed`` 0 to 39 (torch 2.13 on CPU):

=====  =====  =====  =====  ==================
``d``  min    mean   max    standard deviation
=====  =====  =====  =====  ==================
2      0.045  0.103  0.190  0.035
4      0.073  0.128  0.212  0.034
8      0.167  0.249  0.318  0.040
=====  =====  =====  =====  ==================

``tests/pgcn/test_pgcn_lattice.py`` checks :data:`RELATIVE_ERROR_BOUND` on every
draw of seeds 0 to 19 and :data:`MEAN_RELATIVE_ERROR_BOUND` on their mean.

The error grows with the spread of the points in high dimension: in a cube of side 4
at ``d = 8`` it exceeds 1, because the truncated kernel drops most of the many far
neighbours the exact filter averages.

Gradients (:class:`LatticeFilterFunction`): with respect to the values, the transpose
:math:`S^\\top B^\\top S` (the blur directions in reverse order). With respect to the
positions, the exact derivative of the lattice approximation through the barycentric
weights :math:`w_{ir}` (vertex :math:`v_{ir}`) with the simplex assignment held fixed:

.. math::
    \\frac{\\partial L}{\\partial w_{ir}} = \\langle G_i, (B S V)_{v_{ir}} \\rangle
    + \\langle (B^\\top S G)_{v_{ir}}, V_i \\rangle, \\qquad G = \\partial L / \\partial Y,

followed by the weights' derivative with respect to the positions
(:class:`~graphkit.lattice.simplex.BarycentricWeights`). This is not the gradient
of the exact Gaussian filter, and it is discontinuous where a point crosses a simplex
face.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from graphkit.lattice.simplex import attach_weights, enclosing_simplex
from graphkit.lattice.table import VertexTable, build_table

#: Relative Frobenius error of :func:`gaussian_filter` against the exact filter that
#: the tests accept for one draw of the point sets of the module docstring, by
#: dimension ``d``. It is an estimate: the largest of 40 measured draws plus about two
#: standard deviations, so a rare draw may still exceed it.
RELATIVE_ERROR_BOUND = {2: 0.26, 4: 0.28, 8: 0.4}

#: Bound on the mean of that error over 20 draws, by ``d``: the measured mean plus
#: about three standard deviations of a 20-draw mean (0.035 / sqrt(20) = 0.008).
MEAN_RELATIVE_ERROR_BOUND = {2: 0.13, 4: 0.155, 8: 0.285}


#: Number of points per block in :func:`weight_gradient`.
GRADIENT_ROWS = 2**15


def weight_gradient(
    point_rows: list[Tensor],
    lattice_rows: Tensor,
    table: VertexTable,
    weights: Tensor,
) -> Tensor:
    """Compute the ``[n, d + 1]`` gradient of the loss with respect to the weights.

    The gradient is
    ``dL/dw[i, r] = <G_i, (B S V)[index[i, r]]> + <(B^T S G)[index[i, r]], V_i>``.
    That is one inner product of ``[G_i, V_i]`` (``point_rows`` joined by columns) with
    row ``index[i, r]`` of ``[B S V, B^T S G]`` (``lattice_rows``). It is a sampled
    dense-dense product evaluated only at the ``n (d + 1)`` entries of ``S^T``, so the
    ``n x M`` product is never formed. Points are processed in blocks of
    :data:`GRADIENT_ROWS`, so the joined point rows stay small.
    """
    n, k = table.index.shape
    out = weights.new_empty(n, k)
    for start in range(0, n, GRADIENT_ROWS):
        points = slice(start, start + GRADIENT_ROWS)
        joined = torch.cat([rows[points] for rows in point_rows], dim=1)
        sampled = torch.sparse.sampled_addmm(
            table.slice_matrix(weights, points), joined, lattice_rows.T, beta=0.0
        )
        out[points] = sampled.values().view(-1, k)
    return out


def blur(lattice: Tensor, neighbours: Tensor, reverse: bool = False) -> Tensor:
    """Apply ``[1/4, 1/2, 1/4]`` along each lattice direction (reversed order: ``B^T``)."""
    padded = torch.cat([lattice, lattice.new_zeros(1, lattice.size(1))])
    directions = range(neighbours.size(1))
    for j in reversed(directions) if reverse else directions:
        left, right = padded[neighbours[:, j, 0]], padded[neighbours[:, j, 1]]
        blurred = 0.5 * padded[:-1] + 0.25 * (left + right)
        padded = torch.cat([blurred, padded[-1:]])
    return padded[:-1]


class LatticeFilterFunction(torch.autograd.Function):
    """``Y = S^T B S V`` with hand-written gradients for the values and the weights."""

    @staticmethod
    def forward(ctx, values: Tensor, weights: Tensor, table: VertexTable) -> Tensor:
        blurred = blur(table.splat(values, weights), table.neighbours)
        ctx.save_for_backward(values, weights, blurred)
        ctx.table = table
        return table.slice(blurred, weights)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out: Tensor):
        values, weights, blurred = ctx.saved_tensors
        table = ctx.table
        grad_out = grad_out.contiguous()
        back = blur(table.splat(grad_out, weights), table.neighbours, reverse=True)
        grad_values = table.slice(back, weights) if ctx.needs_input_grad[0] else None
        grad_weights = None
        if ctx.needs_input_grad[1]:
            grad_weights = weight_gradient(
                [grad_out, values], torch.cat([blurred, back], 1), table, weights
            )
        return grad_values, grad_weights, None


class NormalizedFilterFunction(torch.autograd.Function):
    """Normalised filter ``y = (S^T B S V) / (S^T B S 1)`` with hand-written gradients.

    The ones channel is splatted, blurred and sliced together with the values as
    channel ``c``. With ``t = S^T B S 1`` and ``G = dL/dy``, the gradient of the
    unnormalised channels is ``G / t`` and that of the ones channel is
    ``-sum_c G y / t``. Both are written into one buffer and pass backward together,
    by the rules of :class:`LatticeFilterFunction`. This avoids an ``[n, c + 1]``
    temporary for a concatenation, slicing or division.
    """

    @staticmethod
    def forward(ctx, values: Tensor, weights: Tensor, table: VertexTable) -> Tensor:
        lattice = torch.cat(
            [table.splat(values, weights), table.splat_ones(weights)], dim=1
        )
        blurred = blur(lattice, table.neighbours)
        filtered = table.slice(blurred, weights)  # [n, c + 1]
        # The filtered ones channel is at least 2^-(d+1) sum_r w_ir^2 > 0 at every point.
        total = filtered[:, -1:].clamp_min(torch.finfo(filtered.dtype).tiny)
        out = filtered[:, :-1].div_(total)
        ctx.save_for_backward(values, weights, blurred, out, total)
        ctx.table = table
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out: Tensor):
        values, weights, blurred, out, total = ctx.saved_tensors
        table = ctx.table
        n, c = grad_out.shape
        grad_filtered = grad_out.new_empty(n, c + 1)
        torch.div(grad_out, total, out=grad_filtered[:, :c])
        # einsum forms the row-wise dot product without a full-size product temporary.
        dots = torch.einsum("ic,ic->i", grad_out, out)
        grad_filtered[:, c] = dots.div_(total[:, 0]).neg_()
        back = blur(table.splat(grad_filtered, weights), table.neighbours, reverse=True)
        back_values = back[:, :c].contiguous()
        grad_values = None
        if ctx.needs_input_grad[0]:
            grad_values = table.slice(back_values, weights)
        grad_weights = None
        if ctx.needs_input_grad[1]:
            # The ones channel's values V_i = 1 pair with column c of ``back``.
            ones = values.new_ones(1, 1).expand(n, 1)
            grad_weights = weight_gradient(
                [grad_filtered, values, ones],
                torch.cat([blurred, back], 1),
                table,
                weights,
            )
        return grad_values, grad_weights, None


class PermutohedralLattice:
    """A lattice built once for a point set and reusable for several value sets.

    Args:
        positions (Tensor): ``[n, d]`` positions in units of the Gaussian's standard
            deviation (divide by the bandwidth first). Gradients flow into them.
        method (str): how :func:`~graphkit.lattice.table.build_table` deduplicates
            the vertices: ``"auto"``, ``"direct"``, ``"sort"`` or ``"rows"``. All give
            the same filter. (default: ``"auto"``)

    Shapes:
        :meth:`filter` maps ``[n, c]`` values to ``[n, c]``.
    """

    def __init__(self, positions: Tensor, method: str = "auto") -> None:
        if (
            isinstance(positions, Tensor)
            and positions.dim() == 2
            and not len(positions)
        ):
            raise ValueError(
                "positions must contain at least one point, got shape [0, d]"
            )
        simplices = enclosing_simplex(positions)
        self.weights = simplices.weights
        self.table = build_table(simplices, method)
        # Kept for attach_weights only when gradients flow into the positions, so a
        # lattice for inference does not hold the [d + 1, n] integer tensors.
        grad = self.weights.requires_grad
        self._positions = positions if grad else None
        self._simplices = simplices if grad else None
        self._filtered = False

    @property
    def num_vertices(self) -> int:
        """Number of occupied lattice vertices ``M``."""
        return self.table.num_vertices

    def __repr__(self) -> str:
        points, corners = self.weights.shape
        return (
            f"{type(self).__name__}(num_points={points}, dim={corners - 1}, "
            f"num_vertices={self.num_vertices})"
        )

    def filter(self, values: Tensor, normalize: bool = True) -> Tensor:
        """Gaussian-filter ``values``; divide by the filtered ones channel if ``normalize``.

        The unnormalised output is proportional to, not equal to, the exact kernel sum.
        """
        if normalize not in (True, False):
            # A string such as "no" is truthy and would select the normalised filter.
            raise TypeError(
                f"normalize must be True or False, got {normalize!r} "
                f"({type(normalize).__name__})"
            )
        if not isinstance(values, Tensor):
            raise TypeError(
                f"values must be a torch.Tensor of shape [n, c], got "
                f"{type(values).__name__}. Convert it with torch.as_tensor(values)"
            )
        if values.dim() != 2 or values.size(0) != self.weights.size(0):
            raise ValueError(
                f"values must be [n, c] with n = {self.weights.size(0)} rows like the "
                f"positions, got shape {tuple(values.shape)}"
            )
        if values.dtype not in (torch.float32, torch.float64):
            # NOTE: 16-bit values fail with a dtype mismatch inside the splat's
            # embedding_bag (torch 2.13, CPU), so they are rejected here instead.
            raise ValueError(
                f"values must be float32 or float64, got {values.dtype}. Convert them "
                "with values.float(), and convert the output back afterwards."
            )
        if values.size(1) == 0:
            return values.clone()
        weights = self.weights
        if weights.requires_grad and self._filtered:
            # A backward pass frees the saved tensors of the weights' autograd node, so
            # each call after the first gets a fresh node with its own backward.
            weights = attach_weights(self._positions, self._simplices)
        self._filtered = True
        weights = weights.to(values.dtype)
        if not normalize:
            return LatticeFilterFunction.apply(values, weights, self.table)
        return NormalizedFilterFunction.apply(values, weights, self.table)


def gaussian_filter(
    positions: Tensor, values: Tensor, normalize: bool = True
) -> Tensor:
    """Filter ``values`` ``[n, c]`` with the Gaussian of ``positions`` ``[n, d]``.

    A shortcut for ``PermutohedralLattice(positions).filter(values, normalize)``.
    """
    return PermutohedralLattice(positions).filter(values, normalize)
