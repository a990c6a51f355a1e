"""Leaves of the implicit-matrix algebra: explicit matrices that fit in memory.

Each leaf stores its data once and multiplies it with a thin matrix:

* :class:`SparseMatrix` - a torch sparse matrix (CSR), ``O(nnz * k)`` per product;
* :class:`DenseMatrix` - a dense tensor;
* :class:`Diagonal` - ``diag(d)``, a row scaling;
* :class:`LowRank` - :math:`L R^\\top` for thin L and R, including the all-ones matrix
  :math:`\\mathbf{1}\\mathbf{1}^\\top` built by :func:`ones`, evaluated as
  :math:`L (R^\\top V)` in ``O((rows + columns) * q * k)``.
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor

from graphkit.block import check_edge_index
from graphkit.embed.implicit import Cache, ImplicitMatrix
from graphkit.whole_numbers import WrongTypeError, as_whole_number


def _to_csr(matrix: Tensor) -> Tensor:
    with warnings.catch_warnings():
        # torch marks sparse CSR as beta and warns once per process; products are exact.
        warnings.filterwarnings(
            "ignore", message=".*Sparse CSR tensor support is in beta.*"
        )
        if matrix.layout == torch.sparse_csr:
            return matrix
        if matrix.layout == torch.sparse_coo:
            return matrix.coalesce().to_sparse_csr()
        return matrix.to_sparse_csr()


def check_node_ids(edge_index: Tensor, num_nodes: int) -> int:
    """Return ``num_nodes`` as an int after checking ``edge_index`` against it.

    ``edge_index`` must be an integer ``(2, E)`` tensor. ``num_nodes`` must be a whole
    number (see :func:`graphkit.whole_numbers.as_whole_number`: an integer tensor such
    as ``edge_index.max() + 1`` passes, a bool or float raises TypeError), and every
    id must lie in ``[0, num_nodes)`` (ValueError otherwise). Meta tensors, which the
    device tests use, have no values, so their ids are not compared.
    """
    check_edge_index(edge_index)
    count = as_whole_number(num_nodes)
    if count is None:
        raise WrongTypeError(
            f"num_nodes must be an int, got {num_nodes!r} ({type(num_nodes).__name__})"
        )
    num_nodes = count
    if not edge_index.numel() or edge_index.device.type == "meta":
        return num_nodes
    low, high = int(edge_index.min()), int(edge_index.max())
    if low < 0:
        raise ValueError(
            f"edge_index must contain node ids in [0, {num_nodes}), found {low}. "
            "Remove negative ids"
        )
    if high >= num_nodes:
        raise ValueError(
            f"edge_index must contain node ids in [0, {num_nodes}), found {high}. "
            "Raise num_nodes or drop those edges"
        )
    return num_nodes


class SparseMatrix(ImplicitMatrix):
    """A sparse leaf.

    Args:
        matrix (Tensor): a 2-D torch sparse tensor (COO or CSR), stored as CSR.
        symmetric (bool, optional): declare ``matrix == matrix.T`` (not checked), so
            that the transpose is the node itself and shares its cached products.
            (default: ``False``)
    """

    def __init__(self, matrix: Tensor, symmetric: bool = False):
        if matrix.dim() != 2 or matrix.layout not in (
            torch.sparse_coo,
            torch.sparse_csr,
        ):
            raise ValueError(
                f"SparseMatrix expects a 2-D sparse COO or CSR tensor, got layout "
                f"{matrix.layout} with {matrix.dim()} dimensions; use DenseMatrix for dense data"
            )
        if symmetric not in (True, False):
            # A string such as "no" is truthy and would make the transpose the
            # matrix itself.
            raise TypeError(
                f"symmetric must be True or False, got {symmetric!r} "
                f"({type(symmetric).__name__})"
            )
        if symmetric and matrix.shape[0] != matrix.shape[1]:
            # The transpose of a symmetric leaf is the leaf itself, with its own shape.
            raise ValueError(
                f"symmetric=True needs a square matrix, got shape {tuple(matrix.shape)}. "
                "Pass symmetric=False"
            )
        super().__init__(matrix.shape, matrix.dtype, matrix.device)
        self.matrix = _to_csr(matrix)
        self.symmetric = symmetric

    @classmethod
    def from_edge_index(
        cls,
        edge_index: Tensor,
        num_nodes: int,
        edge_weight: Tensor | None = None,
        dtype: torch.dtype = torch.float32,
        symmetric: bool = False,
    ) -> SparseMatrix:
        """Build ``A[i, j] = w`` for each column ``(i, j)`` of ``edge_index``.

        Duplicate pairs are summed.

        Shapes:
            edge_index: ``(2, E)``; edge_weight: ``(E,)``.
        """
        num_nodes = check_node_ids(edge_index, num_nodes)
        num_edges = edge_index.size(1)
        if edge_weight is None:
            edge_weight = torch.ones(num_edges, dtype=dtype, device=edge_index.device)
        elif edge_weight.is_complex() and not dtype.is_complex:
            # The cast to dtype below would drop the imaginary parts.
            raise TypeError(
                f"edge_weight is {edge_weight.dtype} but dtype is {dtype}. Pass a "
                "complex dtype, or real weights"
            )
        elif edge_weight.shape != (num_edges,):
            raise ValueError(
                f"edge_weight has {edge_weight.numel()} entries but edge_index has "
                f"{num_edges} edges (edge_weight shape {list(edge_weight.shape)}). Pass "
                "one weight per edge"
            )
        matrix = torch.sparse_coo_tensor(
            edge_index,
            edge_weight.to(dtype),
            (num_nodes, num_nodes),
            check_invariants=True,
        ).coalesce()
        return cls(matrix, symmetric=symmetric)

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return torch.sparse.mm(self.matrix, v)

    def _build_transpose(self) -> ImplicitMatrix:
        if self.symmetric:
            return self
        return type(self)(self.matrix.to_sparse_coo().t().coalesce())


class DenseMatrix(ImplicitMatrix):
    """A dense leaf. Its transpose is a view, not a copy.

    Args:
        matrix (Tensor): a 2-D dense tensor.
    """

    def __init__(self, matrix: Tensor):
        if matrix.dim() != 2 or matrix.layout != torch.strided:
            raise ValueError(
                f"DenseMatrix expects a 2-D dense tensor, got shape {tuple(matrix.shape)} "
                f"and layout {matrix.layout}; use SparseMatrix for sparse data"
            )
        super().__init__(matrix.shape, matrix.dtype, matrix.device)
        self.matrix = matrix

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return self.matrix @ v

    def _build_transpose(self) -> ImplicitMatrix:
        return DenseMatrix(self.matrix.T)


class Diagonal(ImplicitMatrix):
    """The diagonal matrix ``diag(d)``.

    Args:
        diagonal (Tensor): the entries ``d``, shape ``(n,)``.
    """

    def __init__(self, diagonal: Tensor):
        if diagonal.dim() != 1:
            raise ValueError(
                f"Diagonal expects a 1-D tensor of entries, got shape {tuple(diagonal.shape)}"
            )
        n = diagonal.shape[0]
        super().__init__((n, n), diagonal.dtype, diagonal.device)
        self.diagonal = diagonal

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return self.diagonal.unsqueeze(1) * v

    def _build_transpose(self) -> ImplicitMatrix:
        return self


class LowRank(ImplicitMatrix):
    """The low-rank matrix :math:`L R^\\top`.

    Args:
        left (Tensor): ``L``, shape ``(rows, q)``.
        right (Tensor): ``R``, shape ``(columns, q)``.
    """

    def __init__(self, left: Tensor, right: Tensor):
        if left.dim() != 2 or right.dim() != 2 or left.shape[1] != right.shape[1]:
            raise ValueError(
                "LowRank expects left (rows, q) and right (columns, q) with the same q, got "
                f"{tuple(left.shape)} and {tuple(right.shape)}"
            )
        if right.is_complex() and not left.is_complex():
            # right is cast to left's dtype, which would drop its imaginary parts.
            raise TypeError(
                f"LowRank got a real left ({left.dtype}) and a complex right "
                f"({right.dtype}). Give both factors one dtype"
            )
        super().__init__((left.shape[0], right.shape[0]), left.dtype, left.device)
        self.left = left
        self.right = right.to(device=left.device, dtype=left.dtype)

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return self.left @ (self.right.T @ v)

    def _build_transpose(self) -> ImplicitMatrix:
        return LowRank(self.right, self.left)


def ones(
    rows: int, columns: int, dtype: torch.dtype = torch.float32, device=None
) -> LowRank:
    """Return the all-ones matrix :math:`\\mathbf{1}\\mathbf{1}^\\top` as a rank-1 leaf."""
    left = torch.ones(rows, 1, dtype=dtype, device=device)
    right = torch.ones(columns, 1, dtype=dtype, device=device)
    return LowRank(left, right)


def as_implicit(
    matrix: Tensor | ImplicitMatrix, symmetric: bool = False
) -> ImplicitMatrix:
    """Wrap a dense or sparse 2-D tensor as a leaf; return an implicit matrix unchanged."""
    if isinstance(matrix, ImplicitMatrix):
        return matrix
    if not isinstance(matrix, Tensor):
        raise TypeError(
            f"as_implicit expects a torch.Tensor or ImplicitMatrix, got {type(matrix).__name__}"
        )
    if matrix.layout in (torch.sparse_coo, torch.sparse_csr):
        return SparseMatrix(matrix, symmetric=symmetric)
    return DenseMatrix(matrix)
