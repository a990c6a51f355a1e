"""The random-walk design matrix of implicit SVD ("Watch Your Step" co-occurrence).

Method: Abu-El-Haija et al., "Implicit SVD for Graph Representation Learning", NeurIPS
2021, linearising the expected DeepWalk co-occurrence of Watch Your Step (Abu-El-Haija
et al., NeurIPS 2018). With the adjacency A of an undirected graph, degrees
:math:`d_i = \\max(1, \\sum_j A_{ij})` and transition matrix
:math:`T = D^{-1/2} A D^{-1/2}` (or the row-stochastic :math:`T = D^{-1} A`):

.. math::
    M = \\Big(\\sum_{j=1}^{C} q_j T^j\\Big) D_{\\text{mult}}
        - \\lambda \\left(\\mathbf{1}\\mathbf{1}^\\top - N\\right),
    \\qquad q_j = \\frac{C - j + 1}{\\sum_{i=1}^{C} i}

where q_j is the chance that a uniform DeepWalk window of size C covers distance j,
:math:`D_{\\text{mult}}` is ``diag(d^{1/2})`` for the symmetric T, ``diag(d)`` for the
row-stochastic T, or the identity (these exponents follow the authors' released code),
and the negative-sampling term penalises node pairs: ``N = A`` penalises only
non-edges (``negative_rank=0``), ``N = 0`` penalises every pair (``negative_rank=1``),
and ``N`` = the rank-r SVD of A for ``negative_rank=r > 1``. M is never formed: a
product costs C sparse products (shared through the power cache) and a rank-1 product.

NOTE: for ``r > 1`` the authors' ``make_deepwalk_mat`` (``tf_fsvd.py`` of
``samihaija/isvd`` at 6ef715c) scales both factors by the singular values, so its
``N = U S^2 V^T``. Here ``N = U S V^T``, the rank-r approximation of A. Their
link-prediction and Planetoid scripts use ``r = 0``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
from torch import Tensor

from graphkit.embed.implicit import ImplicitMatrix, Sum
from graphkit.embed.leaves import (
    Diagonal,
    LowRank,
    SparseMatrix,
    check_node_ids,
    ones,
)
from graphkit.embed.rsvd import randomized_svd
from graphkit.whole_numbers import WrongTypeError, as_whole_number, require_whole_number


def symmetric_adjacency(
    edge_index: Tensor, num_nodes: int, dtype: torch.dtype = torch.float32
) -> SparseMatrix:
    """Return the binary adjacency of the undirected graph: both directions, duplicates merged.

    Self-loops are kept (with weight 1).

    Shapes:
        edge_index: ``(2, E)``, each undirected edge given in either or both directions.
    """
    num_nodes = check_node_ids(edge_index, num_nodes)
    both = torch.cat([edge_index, edge_index.flip(0)], dim=1).long()
    matrix = torch.sparse_coo_tensor(
        both,
        torch.ones(both.shape[1], dtype=dtype, device=both.device),
        (num_nodes, num_nodes),
        check_invariants=True,
    ).coalesce()
    binary = torch.sparse_coo_tensor(
        matrix.indices(),
        torch.ones_like(matrix.values()),
        matrix.shape,
        check_invariants=False,
    ).coalesce()
    return SparseMatrix(binary, symmetric=True)


def clipped_degrees(adjacency: SparseMatrix) -> Tensor:
    """Return the row sums of the adjacency, clipped below at 1 so isolated nodes divide safely."""
    ones_column = torch.ones(
        adjacency.shape[1], 1, dtype=adjacency.dtype, device=adjacency.device
    )
    return (adjacency @ ones_column).squeeze(1).clamp_min(1.0)


def transition_matrix(
    adjacency: SparseMatrix, degrees: Tensor, symmetric_normalization: bool = True
) -> SparseMatrix:
    """Return :math:`D^{-1/2} A D^{-1/2}` (symmetric) or :math:`D^{-1} A` (row-stochastic)."""
    coo = adjacency.matrix.to_sparse_coo().coalesce()
    row, col = coo.indices()
    if symmetric_normalization:
        scale = degrees.rsqrt()
        values = coo.values() * scale[row] * scale[col]
    else:
        values = coo.values() / degrees[row]
    matrix = torch.sparse_coo_tensor(
        coo.indices(), values, coo.shape, check_invariants=False
    ).coalesce()
    return SparseMatrix(matrix, symmetric=symmetric_normalization)


def context_weights(window: int) -> list[float]:
    """Return :math:`q_j = (C - j + 1) / (C (C + 1) / 2)` for ``j = 1..C``."""
    # A float window would fail inside range(), and True would pass as window 1.
    window = require_whole_number(
        window, f"window must be >= 1 and a whole number, got {window!r}", minimum=1
    )
    total = window * (window + 1) / 2
    return [(window - j + 1) / total for j in range(1, window + 1)]


def wys_matrix(
    edge_index: Tensor,
    num_nodes: int,
    window: int = 10,
    neg_coef: float = 0.02,
    symmetric_normalization: bool = True,
    multiply_degrees: bool = True,
    negative_rank: int = 0,
    weights: Sequence[float] | None = None,
    dtype: torch.dtype = torch.float32,
) -> ImplicitMatrix:
    """Build the implicit n x n matrix M of the module docstring.

    Args:
        edge_index (Tensor): undirected edges, shape ``(2, E)``.
        num_nodes (int): n.
        window (int, optional): context size C. (default: ``10``)
        neg_coef (float, optional): lambda, the weight of the negative term.
            (default: ``0.02``)
        symmetric_normalization (bool, optional): symmetric T if ``True``, otherwise
            row-stochastic. (default: ``True``)
        multiply_degrees (bool, optional): multiply the walk term by the degree
            matrix on the right. (default: ``True``)
        negative_rank (int, optional): 0 for ``N = A``, 1 for ``N = 0``, r > 1 for a
            rank-r SVD of A, with r at most ``num_nodes``. (default: ``0``)
        weights (list[float], optional): custom q_1..q_C in place of the window weights.
        dtype (torch.dtype, optional): dtype of every leaf. (default: ``torch.float32``)
    """
    # True would pass as 1.0, and a string fails inside math.isfinite.
    if isinstance(neg_coef, bool) or not isinstance(neg_coef, numbers.Real):
        raise WrongTypeError(
            f"neg_coef must be a real number, got {neg_coef!r} of type "
            f"{type(neg_coef).__name__}"
        )
    if not math.isfinite(neg_coef):
        raise ValueError(f"neg_coef must be a finite number, got {neg_coef}")
    adjacency = symmetric_adjacency(edge_index, num_nodes, dtype)
    # symmetric_adjacency has checked num_nodes, which may be an integer tensor.
    num_nodes = adjacency.shape[0]
    _check_negative_rank(negative_rank, num_nodes)
    degrees = clipped_degrees(adjacency)
    transition = transition_matrix(adjacency, degrees, symmetric_normalization)
    q = list(weights) if weights is not None else context_weights(window)
    if not q or not all(math.isfinite(weight) for weight in q):
        raise ValueError(
            f"weights must be a non-empty list of finite numbers, got {q}. Pass one "
            "weight per walk length, or None for the window weights"
        )
    walk = Sum([transition**j for j in range(1, len(q) + 1)], q)
    if multiply_degrees:
        walk = walk @ Diagonal(degrees.sqrt() if symmetric_normalization else degrees)

    all_pairs = ones(num_nodes, num_nodes, dtype=dtype, device=edge_index.device)
    if negative_rank == 0:
        negatives = all_pairs - adjacency
    elif negative_rank == 1:
        negatives = all_pairs
    else:
        u, s, v = randomized_svd(adjacency, negative_rank)
        negatives = all_pairs - LowRank(u * s, v)
    return walk - neg_coef * negatives


def _check_negative_rank(negative_rank: int, num_nodes: int) -> None:
    """Raise unless ``negative_rank`` is an int that is 0, 1 or at most ``num_nodes``.

    A rank r > 1 goes to the SVD of A, which has at most ``num_nodes`` triplets, and
    ranks 0 and 1 need no SVD, so they pass for any ``num_nodes``. The bool ``True``
    is rejected because it would pass as rank 1, which sets N = 0.
    """
    if as_whole_number(negative_rank, tensors=False) is None:
        raise WrongTypeError(
            f"negative_rank must be an int, got {negative_rank!r} "
            f"({type(negative_rank).__name__})"
        )
    if negative_rank < 0:
        raise ValueError(f"negative_rank must be >= 0, got {negative_rank}")
    if negative_rank > 1 and negative_rank > num_nodes:
        raise ValueError(
            f"negative_rank={negative_rank} is invalid for {num_nodes} nodes, because the "
            f"SVD of the {num_nodes} x {num_nodes} adjacency has at most {num_nodes} "
            f"singular triplets. Pass negative_rank <= {num_nodes}, or 0 to use A itself"
        )
