"""Semi-supervised node classification with a linearised GCN solved in closed form.

Method: implicit SVD (Abu-El-Haija et al., NeurIPS 2021), node-classification model.
A linear multi-hop model (the GCN of Kipf and Welling with its non-linearities removed,
as in SGC and MixHop) predicts

.. math::
    \\hat Y = H W, \\qquad
    H = [\\tilde X, \\hat A \\tilde X, \\hat A^2 \\tilde X, \\ldots, \\hat A^L \\tilde X],
    \\qquad \\hat A = \\tilde D^{-1/2} (A + I) \\tilde D^{-1/2}

and its Frobenius-optimal weights on the training rows are the pseudo-inverse solution
:math:`W = V S^{-1} U^\\top Y` of the rank-k SVD :math:`H_{\\text{train}} \\approx U S
V^\\top` (zero singular values skipped), with Y the one-hot training labels. H is an
implicit matrix: its (L + 1) F columns are never formed. The input features are
:math:`\\tilde X = [\\mathrm{PCA}([X, U_w S_w^{1/2}, V_w S_w^{1/2}]), U_w S_w^{1/2},
V_w S_w^{1/2}]`, with :math:`U_w S_w V_w^\\top` the SVD of the random-walk matrix of
:mod:`graphkit.embed.wys` (window 3, row-stochastic T). As augmentation, the training
rows are stacked with copies of themselves under dropout (entries kept with
probability 1 - p and scaled by 1 / (1 - p)). The defaults follow the authors' Planetoid
script.
"""

from __future__ import annotations

import logging
import math
import numbers
import time
from dataclasses import dataclass, field

import torch
from torch import Tensor

from graphkit.embed.blocks import HStack, RowSelect, VStack
from graphkit.embed.implicit import ImplicitMatrix
from graphkit.embed.leaves import DenseMatrix, SparseMatrix
from graphkit.embed.memory_budget import available_memory_bytes, check_sketch_memory
from graphkit.embed.rsvd import randomized_svd
from graphkit.embed.wys import clipped_degrees, symmetric_adjacency, wys_matrix
from graphkit.option_names import option
from graphkit.train.inputs import check_node_fields
from graphkit.whole_numbers import WrongTypeError, check_whole_number_fields

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NodeClassConfig:
    """Settings of the closed-form node classifier.

    Attributes:
        hops: number L of propagation steps in the design matrix.
        wys_window: context size of the random-walk embedding.
        wys_neg_coef: negative weight lambda of the random-walk embedding.
        wys_rank: rank of the random-walk embedding, cut to the number of nodes on
            smaller graphs (0 turns it off).
        pca_dim: maximum number of PCA components of the input features; 0 skips the
            PCA and uses ``[X, U S^1/2, V S^1/2]`` (the PCA's full SVD dominates the
            feature time on wide inputs such as CiteSeer's 3,703 features).
        svd_rank: maximum rank of the classifier SVD.
        oversample: extra sketch columns of the classifier SVD.
        n_iter: power iterations of both SVDs.
        dropout_copies: number of dropout copies of the training rows.
        dropout: drop probability p of those copies.
        seed: seed of the SVD sketches and of the dropout masks.
    """

    hops: int = 15
    wys_window: int = 3
    wys_neg_coef: float = 0.05
    wys_rank: int = 64
    pca_dim: int = 1000
    svd_rank: int = 100
    oversample: int = 20
    n_iter: int = 10
    dropout_copies: int = 1
    dropout: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        counts = ("hops", "wys_window", "wys_rank", "pca_dim", "svd_rank", "oversample")
        check_whole_number_fields(self, counts + ("n_iter", "dropout_copies", "seed"))
        for name in ("wys_neg_coef", "dropout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise WrongTypeError(
                    f"{name} must be a real number, got {value!r} of type "
                    f"{type(value).__name__}"
                )
        for name in (
            "hops",
            "wys_rank",
            "pca_dim",
            "dropout_copies",
            "n_iter",
            "oversample",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("wys_window", "svd_rank"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not math.isfinite(self.wys_neg_coef):
            raise ValueError(
                f"wys_neg_coef must be a finite number, got {self.wys_neg_coef}"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout}")


@dataclass
class LinearSolution:
    """The fitted linear model and what is needed to evaluate it.

    Attributes:
        features: the input features X~, shape ``(n, F)``.
        adjacency: the normalised adjacency A^ (a symmetric sparse leaf).
        design: the implicit design matrix H, shape ``(n, (L + 1) F)``.
        weight: W, shape ``((L + 1) F, classes)``; rows ``l F : (l + 1) F`` act on hop l.
        timings: seconds per phase.
    """

    features: Tensor
    adjacency: SparseMatrix
    design: ImplicitMatrix
    weight: Tensor
    timings: dict[str, float] = field(default_factory=dict)

    def logits(self) -> Tensor:
        """Return ``H @ W`` for every node, shape ``(n, classes)``."""
        return self.design @ self.weight


def gcn_adjacency(edge_index: Tensor, num_nodes: int) -> SparseMatrix:
    """Return :math:`\\tilde D^{-1/2} (A + I) \\tilde D^{-1/2}` of the binarised undirected graph."""
    loops = torch.arange(num_nodes, device=edge_index.device).repeat(2, 1)
    adjacency = symmetric_adjacency(torch.cat([edge_index, loops], dim=1), num_nodes)
    scale = clipped_degrees(adjacency).rsqrt()
    coo = adjacency.matrix.to_sparse_coo().coalesce()
    row, col = coo.indices()
    values = coo.values() * scale[row] * scale[col]
    normalised = torch.sparse_coo_tensor(
        coo.indices(), values, coo.shape, check_invariants=False
    )
    return SparseMatrix(normalised.coalesce(), symmetric=True)


def pca(x: Tensor, components: int) -> Tensor:
    """Project the centred rows of ``x`` on their top principal axes, shape ``(n, c)``."""
    centred = x - x.mean(dim=0, keepdim=True)
    u, s, _ = torch.linalg.svd(centred, full_matrices=False)
    components = min(components, s.shape[0])
    return u[:, :components] * s[:components]


def node_features(x: Tensor, edge_index: Tensor, config: NodeClassConfig) -> Tensor:
    """Build X~ = [PCA([X, U S^1/2, V S^1/2]), U S^1/2, V S^1/2] (module docstring).

    With ``config.pca_dim == 0`` the PCA is skipped and X~ = [X, U S^1/2, V S^1/2].
    """
    if x.is_complex():
        # .float() would drop the imaginary parts with only a torch warning.
        raise TypeError(
            f"data.x must be real, got {x.dtype}. Split complex features into "
            "real columns, for example torch.cat([x.real, x.imag], dim=1)"
        )
    x = x.float()
    embedding: list[Tensor] = []
    if config.wys_rank > 0:
        # The n x n matrix has at most n singular triplets.
        wys_rank = min(config.wys_rank, x.shape[0])
        walk = wys_matrix(
            edge_index,
            x.shape[0],
            window=config.wys_window,
            neg_coef=config.wys_neg_coef,
            symmetric_normalization=False,
            multiply_degrees=False,
        )
        u, s, v = randomized_svd(walk, wys_rank, n_iter=config.n_iter, seed=config.seed)
        embedding = [u * s.sqrt(), v * s.sqrt()]
    stacked = torch.cat([x, *embedding], dim=1)
    if config.pca_dim == 0:
        return stacked
    reduced = pca(stacked, min(config.pca_dim, *stacked.shape))
    return torch.cat([reduced, *embedding], dim=1)


def design_matrix(adjacency: SparseMatrix, features: Tensor, hops: int) -> HStack:
    """Return the implicit ``[X, A X, ..., A^L X]``; products share the powers of A."""
    x = DenseMatrix(features)
    return HStack([x] + [adjacency**hop @ x for hop in range(1, hops + 1)])


# Training rows are formed explicitly up to this many entries (256 MiB in float32). With
# few labelled nodes the explicit block is small, so each SVD product costs one dense
# matmul instead of a pass over all n rows of every hop.
MAX_EXPLICIT_ENTRIES = 2**26


def class_labels(y: Tensor) -> Tensor:
    """Return the ``[N]`` int64 class ids of ``y``, also from OGB's ``[N, 1]`` column.

    ``one_hot`` accepts only int64 class ids and ``cross_entropy`` int64 or uint8, so
    other integer labels (such as int32 from numpy files) and whole-number float labels
    are converted to int64.

    Raises:
        TypeError: If ``y`` is complex.
        ValueError: If ``y`` has more than one label per node, or a float label that
            is not a whole number (it would be truncated to another class).
    """
    if y.dim() == 2 and y.size(1) == 1:
        y = y.view(-1)
    if y.dim() != 1:
        raise ValueError(
            f"data.y must contain one class id per node (shape [N] or [N, 1]), got "
            f"shape {tuple(y.shape)}. Multi-label targets are not supported"
        )
    if y.is_complex():
        raise TypeError(f"data.y must contain integer class ids, got {y.dtype}")
    if y.is_floating_point():
        fractional = (y != y.round()).nonzero().view(-1)
        if fractional.numel():
            node = int(fractional[0])
            raise ValueError(
                f"data.y must contain whole class ids, but node {node} has label "
                f"{float(y[node])} ({fractional.numel()} such labels). Pass integer labels"
            )
    return y.long()


def training_system(
    design: ImplicitMatrix, labels: Tensor, train_index: Tensor, config: NodeClassConfig
) -> tuple[ImplicitMatrix, Tensor]:
    """Return the stacked training rows (with dropout copies) and their one-hot targets."""
    labels = class_labels(labels)
    num_classes = int(labels.max()) + 1
    targets = torch.nn.functional.one_hot(labels[train_index], num_classes).float()
    rows: ImplicitMatrix = RowSelect(design, train_index)
    if rows.shape[0] * rows.shape[1] > MAX_EXPLICIT_ENTRIES:
        if config.dropout_copies:
            raise ValueError(
                f"dropout copies need the {rows.shape[0]} x {rows.shape[1]} training rows "
                f"in memory, more than {MAX_EXPLICIT_ENTRIES} entries. Set "
                "dropout_copies=0 (--dropout-copies 0 on the command line)"
            )
        return rows, targets
    explicit = rows.to_dense()  # (train, (L + 1) F)
    _check_copies_memory(explicit, config.dropout_copies)
    copies: list[ImplicitMatrix] = [DenseMatrix(explicit)]
    generator = torch.Generator().manual_seed(config.seed)
    keep = 1.0 - config.dropout
    for _ in range(config.dropout_copies):
        # The mask comes from a CPU generator, so it is the same on every device.
        draws = torch.rand(explicit.shape, generator=generator)
        mask = draws.to(explicit.device) < keep
        copies.append(DenseMatrix(explicit * mask / keep))
    system = copies[0] if len(copies) == 1 else VStack(copies)
    return system, targets.repeat(len(copies), 1)


def _check_copies_memory(explicit: Tensor, dropout_copies: int) -> None:
    """Raise ValueError when the dropout copies of ``explicit`` cannot fit in memory.

    Each copy is a dense tensor of the shape of ``explicit``. Only CPU memory is
    checked, on systems with ``/proc/meminfo`` (Linux).
    """
    available = available_memory_bytes()
    if explicit.device.type != "cpu" or available is None:
        return
    copy_bytes = explicit.numel() * explicit.element_size()
    needed = (dropout_copies + 1) * copy_bytes
    if needed <= available:
        return
    max_copies = max(available // max(copy_bytes, 1) - 1, 0)
    raise ValueError(
        f"{option('dropout_copies', dropout_copies)} needs {dropout_copies + 1} "
        f"copies of the {explicit.shape[0]} x {explicit.shape[1]} training rows, "
        f"{needed / 2**30:.4g} GiB, but {available / 2**30:.4g} GiB of memory is "
        f"free. Pass {option('dropout_copies', max_copies)} or fewer"
    )


def solve_least_squares(u: Tensor, s: Tensor, v: Tensor, targets: Tensor) -> Tensor:
    """Return :math:`W = V S^{+} U^\\top Y`, skipping numerically zero singular values.

    Singular values up to ``max(rows, columns) * eps * s_max`` count as zero, which is
    the default relative cutoff of ``torch.linalg.pinv`` (torch 2.13). On a
    rank-deficient system they contain rounding noise, and dividing by them would
    amplify it.
    """
    largest = s.max() if s.numel() else s.new_zeros(())
    cutoff = max(u.shape[0], v.shape[0]) * torch.finfo(s.dtype).eps * largest
    inverse = torch.where(s > cutoff, 1.0 / s.clamp_min(torch.finfo(s.dtype).tiny), 0.0)
    return (v * inverse) @ (u.T @ targets)


def _check_design_memory(train_mask: Tensor, features: Tensor, config) -> None:
    """Raise SketchMemoryError, before the hops are built, when the SVD cannot fit.

    The design matrix has ``(hops + 1) * F`` columns, and the SVD's sketch blocks
    grow with them, so a huge ``hops`` would otherwise build one product per hop
    first and fail, or be killed, much later.
    """
    rows = int(train_mask.sum()) * (config.dropout_copies + 1)
    columns = (config.hops + 1) * features.shape[1]
    rank = min(config.svd_rank, rows - config.oversample - 4, columns)
    if rank < 1:
        return  # fit_linear_gcn reports too few rows or no columns
    # randomized_svd cuts its sketch to min(rows, columns) columns, so a large
    # oversample on a narrow design matrix costs no more memory.
    check_sketch_memory(
        (rows, columns),
        min(rank + config.oversample, rows, columns),
        features.dtype,
        features.device,
        hint=(
            f"Lower {option('hops', config.hops)}, "
            f"{option('dropout_copies', config.dropout_copies)} or {option('svd_rank')}"
        ),
    )


def fit_linear_gcn(data, config: NodeClassConfig) -> LinearSolution:
    """Fit the closed-form classifier on ``data.train_mask``.

    Args:
        data: a PyG :class:`~torch_geometric.data.Data` with ``x``, ``edge_index``,
            ``y`` and ``train_mask``.
        config (NodeClassConfig): the settings.
    """
    # node_features converts x to float32, so integer features (counts) are accepted.
    check_node_fields(
        data, data.num_nodes, mask_names=("train_mask",), float_features=False
    )
    timings: dict[str, float] = {}
    tic = time.perf_counter()
    num_nodes = data.num_nodes
    features = node_features(data.x, data.edge_index, config)
    adjacency = gcn_adjacency(data.edge_index, num_nodes)
    _check_design_memory(data.train_mask, features, config)
    design = design_matrix(adjacency, features, config.hops)
    timings["features"] = time.perf_counter() - tic

    tic = time.perf_counter()
    train_index = data.train_mask.nonzero().squeeze(1)
    system, targets = training_system(design, data.y, train_index, config)
    timings["training_rows"] = time.perf_counter() - tic
    rank = min(
        config.svd_rank, system.shape[0] - config.oversample - 4, system.shape[1]
    )
    if system.shape[1] == 0:
        raise ValueError(
            "the design matrix has no columns, because data.x has no feature columns "
            "and wys_rank=0 adds no embedding. Pass node features or set wys_rank >= 1"
        )
    if rank < 1:
        raise ValueError(_too_few_rows_message(system.shape[0], config.oversample))
    u, s, v = randomized_svd(
        system,
        rank,
        oversample=config.oversample,
        n_iter=config.n_iter,
        seed=config.seed,
        timings=timings,
    )
    tic = time.perf_counter()
    weight = solve_least_squares(u, s, v, targets)
    timings["solve"] = time.perf_counter() - tic
    logger.debug(
        "closed-form GCN: features %s, design %s, training rows %d, rank %d",
        tuple(features.shape),
        design.shape,
        system.shape[0],
        rank,
    )
    return LinearSolution(features, adjacency, design, weight, timings)


def _too_few_rows_message(rows: int, oversample: int) -> str:
    """Return the error message for too few training rows for the classifier SVD.

    The rank is at most ``rows - oversample - 4``, so ``oversample = rows - 5`` still
    leaves rank 1.
    """
    message = (
        f"{rows} training rows (with their dropout copies) are too few for "
        f"{option('oversample', oversample)}, because the classifier SVD keeps at "
        "most rows - oversample - 4 singular vectors. "
    )
    if rows >= 5:
        return message + (
            f"Pass {option('oversample', rows - 5)} or lower, or add training nodes"
        )
    return message + "Add training nodes"


def accuracy(logits: Tensor, labels: Tensor, mask: Tensor) -> float:
    """Return the fraction of ``mask`` nodes whose arg-max logit is their label.

    ``labels`` may be ``[N]`` or ``[N, 1]``, and ``mask`` is ``[N]`` bool.

    Raises:
        TypeError: ``mask`` is not bool. Indexing with an integer mask would
            select the rows of ids 0 and 1 instead of the marked nodes.
        ValueError: ``mask`` has another shape than the labels.
    """
    mask = torch.as_tensor(mask)
    if mask.dtype != torch.bool:
        raise TypeError(
            f"mask must be a bool tensor with one entry per node, got {mask.dtype}. "
            "Convert a 0/1 mask with mask.bool()"
        )
    labels = class_labels(labels)
    if mask.shape != labels.shape:
        raise ValueError(
            f"mask must have shape {tuple(labels.shape)}, one entry per node, got "
            f"shape {tuple(mask.shape)}"
        )
    return float((logits[mask].argmax(dim=1) == labels[mask]).float().mean())
