"""Implicit matrices: a lazy algebra whose only evaluation is the product with a thin matrix.

Method: the symbolic-matrix framework of Abu-El-Haija, Mostafa, Nassar, Crespi, Ver Steeg
and Galstyan, "Implicit SVD for Graph Representation Learning", NeurIPS 2021
(https://arxiv.org/abs/2111.06312). A design matrix such as

.. math::
    M = \\sum_{j=1}^{C} q_j T^j - \\lambda (\\mathbf{1}\\mathbf{1}^\\top - A)

is dense and n x n, but ``M @ V`` for an n x k matrix ``V`` costs only C sparse products
and one rank-1 product. An :class:`ImplicitMatrix` is a tree of such pieces: leaves
(:mod:`graphkit.embed.leaves`), the algebraic combinators in this module (sum, scalar
multiple, product, integer power, transpose) and the block combinators in
:mod:`graphkit.embed.blocks` (row and column selection, concatenation).

Every node evaluates ``M @ V`` and, through ``M.T``, ``M^T @ V``. Each node allocates only
thin blocks, O((rows + columns) * k) per product, so M itself is never formed. One call to
:meth:`ImplicitMatrix.matmul` shares a cache between all nodes, keyed by
(node, input tensor): in :math:`\\sum_j q_j T^j V` the chain ``T V, T(T V), ...`` is
computed once, so the sum costs C sparse products and not C (C + 1) / 2.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Sequence

import torch
from torch import Tensor

from graphkit.whole_numbers import require_whole_number

# (id(node), id(input)) -> (input, output). The input is stored beside the output so
# that it stays alive, and its id cannot be reused by another tensor during the pass.
Cache = dict[tuple[int, int], tuple[Tensor, Tensor]]


class ImplicitMatrix:
    """A matrix known only through the products ``M @ V`` and ``M.T @ V``.

    Subclasses implement :meth:`_matmul` (the product with a 2-D tensor, calling
    children through :meth:`_cached`) and :meth:`_build_transpose`.

    Args:
        shape (tuple[int, int]): ``(rows, columns)``.
        dtype (torch.dtype): dtype of the products.
        device (torch.device): device of the products.
    """

    def __init__(self, shape: Sequence[int], dtype: torch.dtype, device: torch.device):
        if not (dtype.is_floating_point or dtype.is_complex):
            # matmul casts its operand to this dtype, which would truncate float inputs.
            raise TypeError(
                f"{type(self).__name__} needs a floating-point dtype, got {dtype}. "
                "Convert the tensor with .float() or .double() first"
            )
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = dtype
        self.device = device
        self._transpose: ImplicitMatrix | None = None

    # ----------------------------------------------------------------- evaluation
    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        raise NotImplementedError

    def _build_transpose(self) -> ImplicitMatrix:
        raise NotImplementedError

    def _cached(self, v: Tensor, cache: Cache) -> Tensor:
        key = (id(self), id(v))
        hit = cache.get(key)
        if hit is not None:
            return hit[1]
        out = self._matmul(v, cache)
        cache[key] = (v, out)
        return out

    def matmul(self, v: Tensor, cache: Cache | None = None) -> Tensor:
        """Compute ``M @ v`` for a dense ``v`` of shape ``(columns, k)`` or ``(columns,)``.

        Args:
            v (Tensor): the thin right-hand side. It is cast to this matrix's dtype
                and moved to its device, so a float32 matrix returns float32 also for
                a float64 ``v``, and a CUDA matrix returns a CUDA tensor for a CPU one.
            cache (dict, optional): pass one dictionary to several calls to share
                intermediate products between them (valid only while the inputs are
                unchanged). A fresh one is used by default.

        Returns:
            Tensor of shape ``(rows, k)`` (or ``(rows,)`` for a 1-D ``v``).
        """
        if not isinstance(v, Tensor) or v.layout != torch.strided:
            raise TypeError(
                f"ImplicitMatrix.matmul expects a dense torch.Tensor, got {type(v).__name__}"
                f"{'' if not isinstance(v, Tensor) else ' with layout ' + str(v.layout)}; "
                "wrap sparse or dense matrices with graphkit.embed.as_implicit to compose them"
            )
        if v.is_complex() and not self.dtype.is_complex:
            # The cast to this matrix's dtype below would drop the imaginary parts.
            raise TypeError(
                f"cannot multiply a {self.dtype} implicit matrix by a {v.dtype} tensor: "
                "the cast would drop its imaginary parts. Multiply v.real and v.imag "
                "separately"
            )
        caller_tensor = v
        vector = v.dim() == 1
        if vector:
            v = v.unsqueeze(1)
        if v.dim() != 2 or v.shape[0] != self.shape[1]:
            raise ValueError(
                f"cannot multiply a {self.shape[0]} x {self.shape[1]} implicit matrix by a "
                f"tensor of shape {tuple(v.shape)}: expected ({self.shape[1]}, k)"
            )
        v = v.to(device=self.device, dtype=self.dtype)
        out = self._cached(v, {} if cache is None else cache)
        out = out.squeeze(1) if vector else out
        if out.data_ptr() == caller_tensor.data_ptr() and out.numel():
            # An identity (M ** 0) passes its input through, and the caller must not
            # get v back, where an in-place edit of the result would change v.
            out = out.clone()
        return out

    def rmatmul(self, v: Tensor, cache: Cache | None = None) -> Tensor:
        """Compute ``M^T @ v`` (same arguments as :meth:`matmul`)."""
        return self.T.matmul(v, cache)

    def to_dense(self) -> Tensor:
        """Form M explicitly, multiplying by an identity on the smaller side.

        Allocates ``rows x columns``: meant for tests and small blocks only.
        """
        rows, cols = self.shape
        if rows < cols:
            eye = torch.eye(rows, dtype=self.dtype, device=self.device)
            return self.T.matmul(eye).T.contiguous()
        return self.matmul(torch.eye(cols, dtype=self.dtype, device=self.device))

    @property
    def T(self) -> ImplicitMatrix:
        """The lazy transpose; ``M.T.T is M`` so cached products are shared."""
        if self._transpose is None:
            transpose = self._build_transpose()
            if transpose is not self:
                transpose._transpose = self
            self._transpose = transpose
        return self._transpose

    # ------------------------------------------------------------------ operators
    def __matmul__(self, other):
        if isinstance(other, ImplicitMatrix):
            return Product([self, other])
        if isinstance(other, Tensor):
            return self.matmul(other)
        return NotImplemented

    def __rmatmul__(self, other):
        if isinstance(other, Tensor):
            if other.dim() == 1:
                # w @ M = M^T @ w for a vector; .T of a 1-D tensor is deprecated in torch.
                return self.T.matmul(other)
            # W @ M = (M^T @ W^T)^T, cheap when W has few rows.
            return self.T.matmul(other.T).T
        return NotImplemented

    def __add__(self, other):
        if not isinstance(other, ImplicitMatrix):
            return NotImplemented
        return Sum([self, other], [1.0, 1.0])

    def __sub__(self, other):
        if not isinstance(other, ImplicitMatrix):
            return NotImplemented
        return Sum([self, other], [1.0, -1.0])

    def __mul__(self, scalar):
        if not isinstance(scalar, numbers.Real) or isinstance(scalar, bool):
            return NotImplemented
        return Sum([self], [float(scalar)])

    __rmul__ = __mul__

    def __truediv__(self, scalar):
        if not isinstance(scalar, numbers.Real) or isinstance(scalar, bool):
            return NotImplemented
        return Sum([self], [1.0 / float(scalar)])

    def __neg__(self):
        return Sum([self], [-1.0])

    def __pow__(self, exponent: int) -> ImplicitMatrix:
        require_whole_number(
            exponent,
            f"implicit matrix power must be an integer >= 0, got {exponent!r}",
            minimum=0,
            tensors=False,
        )
        if self.shape[0] != self.shape[1]:
            raise ValueError(
                f"only square matrices have powers, got shape {self.shape}"
            )
        if exponent == 0:
            return Identity(self.shape[0], self.dtype, self.device)
        return Product([self] * int(exponent))

    def select_rows(self, index: Tensor | Sequence[int]) -> ImplicitMatrix:
        """Return the implicit ``M[index, :]`` (see :class:`~graphkit.embed.blocks.RowSelect`)."""
        from graphkit.embed.blocks import RowSelect

        return RowSelect(self, index)

    def select_columns(self, index: Tensor | Sequence[int]) -> ImplicitMatrix:
        """Return the implicit ``M[:, index]`` (see :class:`~graphkit.embed.blocks.ColumnSelect`)."""
        from graphkit.embed.blocks import ColumnSelect

        return ColumnSelect(self, index)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.shape}, dtype={self.dtype})"


def check_same_dtype(nodes: Sequence[ImplicitMatrix], combinator: str) -> None:
    """Raise unless all ``nodes`` have one dtype.

    Products pass each block on unchanged, so a mixed tree would otherwise fail only at
    its first product, inside a torch matmul.
    """
    for node in nodes[1:]:
        if node.dtype != nodes[0].dtype:
            raise ValueError(
                f"{combinator} needs implicit matrices of one dtype, got {nodes[0].dtype} "
                f"and {node.dtype}. Build every leaf in the same dtype"
            )


def _same_device(first: torch.device, second: torch.device) -> bool:
    """Return whether two devices are one, reading a missing index as any index."""
    if first.type != second.type:
        return False
    return first.index is None or second.index is None or first.index == second.index


def check_same_device(nodes: Sequence[ImplicitMatrix], combinator: str) -> None:
    """Raise unless all ``nodes`` are on one device.

    As with dtypes, a tree of leaves on several devices would otherwise fail only at
    its first product, with a torch error that names no leaf.
    """
    for position, node in enumerate(nodes[1:], start=1):
        if not _same_device(node.device, nodes[0].device):
            raise ValueError(
                f"{combinator} needs implicit matrices on one device, got "
                f"{nodes[0].device} (operand 0) and {node.device} (operand "
                f"{position}). Move the leaves' tensors to one device before wrapping "
                "them"
            )


class Identity(ImplicitMatrix):
    """The n x n identity, the result of ``M ** 0``."""

    def __init__(self, n: int, dtype: torch.dtype = torch.float32, device=None):
        super().__init__((n, n), dtype, torch.device(device or "cpu"))

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return v

    def _build_transpose(self) -> ImplicitMatrix:
        return self


class Sum(ImplicitMatrix):
    """A weighted sum :math:`\\sum_i c_i M_i`; ``a * M``, ``-M`` and ``a - b`` build one.

    Args:
        terms (list[ImplicitMatrix]): matrices of one shape.
        coefficients (list[float]): one scalar per term.
    """

    def __init__(self, terms: Sequence[ImplicitMatrix], coefficients: Iterable[float]):
        terms = list(terms)
        coefficients = [float(c) for c in coefficients]
        if not terms or len(terms) != len(coefficients):
            raise ValueError(
                f"Sum needs one coefficient per term, got {len(terms)} terms and "
                f"{len(coefficients)} coefficients"
            )
        for term in terms[1:]:
            if term.shape != terms[0].shape:
                raise ValueError(
                    f"cannot add implicit matrices of shapes {terms[0].shape} and {term.shape}"
                )
        check_same_dtype(terms, "Sum")
        check_same_device(terms, "Sum")
        # Flatten nested sums so that long chains of + stay one node.
        flat_terms, flat_coefficients = [], []
        for term, coefficient in zip(terms, coefficients):
            if isinstance(term, Sum):
                flat_terms.extend(term.terms)
                flat_coefficients.extend(coefficient * c for c in term.coefficients)
            else:
                flat_terms.append(term)
                flat_coefficients.append(coefficient)
        super().__init__(terms[0].shape, terms[0].dtype, terms[0].device)
        self.terms = flat_terms
        self.coefficients = flat_coefficients

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        out = None
        for term, coefficient in zip(self.terms, self.coefficients):
            part = term._cached(v, cache)
            if out is None:
                # A new tensor: ``part`` may be a cached result that must stay unchanged.
                out = part * coefficient
            else:
                out.add_(part, alpha=coefficient)
        return out

    def _build_transpose(self) -> ImplicitMatrix:
        return Sum([term.T for term in self.terms], self.coefficients)


class Product(ImplicitMatrix):
    """A matrix product :math:`M_1 M_2 \\cdots M_k`, applied right to left to V.

    ``M ** k`` is a product of k references to the same node, so the per-pass cache
    reuses every partial power that another term of the expression already computed.

    Args:
        factors (list[ImplicitMatrix]): matrices with matching inner dimensions.
    """

    def __init__(self, factors: Sequence[ImplicitMatrix]):
        flat: list[ImplicitMatrix] = []
        for factor in factors:
            flat.extend(factor.factors if isinstance(factor, Product) else [factor])
        if not flat:
            raise ValueError("Product needs at least one factor")
        for left, right in itertools.pairwise(flat):
            if left.shape[1] != right.shape[0]:
                raise ValueError(
                    f"cannot multiply implicit matrices of shapes {left.shape} and {right.shape}"
                )
        check_same_dtype(flat, "Product")
        check_same_device(flat, "Product")
        super().__init__(
            (flat[0].shape[0], flat[-1].shape[1]), flat[0].dtype, flat[0].device
        )
        self.factors = flat

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        for factor in reversed(self.factors):
            v = factor._cached(v, cache)
        return v

    def _build_transpose(self) -> ImplicitMatrix:
        return Product([factor.T for factor in reversed(self.factors)])
