"""Link prediction from the truncated SVD of the implicit random-walk matrix.

Method: implicit SVD (Abu-El-Haija et al., NeurIPS 2021). With the rank-k SVD
:math:`M \\approx U \\mathrm{diag}(S) V^\\top` of the matrix of :mod:`graphkit.embed.wys`
built on the training edges, a node pair is scored by the symmetrised bilinear form

.. math::
    s(i, j) = \\tfrac12 \\left( \\sum_r U_{ir} S_r V_{jr} + \\sum_r U_{jr} S_r V_{ir} \\right)

and the held-out edges are ranked against the negative pairs by ROC-AUC. No gradient
step is taken: the SVD is the Frobenius-optimal rank-k fit of M.
"""

from __future__ import annotations

import logging
import math
import numbers
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from graphkit.block import check_edge_index
from graphkit.embed.leaves import check_node_ids
from graphkit.embed.memory_budget import check_sketch_memory
from graphkit.embed.rsvd import ORTHONORMALIZERS, randomized_svd
from graphkit.embed.wys import wys_matrix
from graphkit.option_names import option
from graphkit.train.metrics import _mann_whitney
from graphkit.whole_numbers import WrongTypeError, check_whole_number_fields

logger = logging.getLogger(__name__)

RANK_CANDIDATES = (4, 8, 16, 32, 64, 128, 256)


@dataclass(frozen=True)
class LinkPredictionConfig:
    """Settings of the link-prediction SVD.

    ``window``, ``neg_coef``, ``n_iter`` and ``oversample`` default to the values of the
    authors' ``run_snap_linkpred.py`` (``samihaija/isvd``). That script defaults to
    rank 30 and Cholesky-QR instead of the rank 32 and Householder QR used here.

    Attributes:
        rank: embedding rank k; 0 selects it on a split of the training edges.
        window: context size C of the random-walk matrix.
        neg_coef: weight lambda of the negative-sampling term.
        n_iter: power iterations of the randomized SVD.
        oversample: extra sketch columns; ``None`` means ``min(rank, 30)``.
        orthonormalizer: ``"qr"`` or ``"cholesky"``.
        seed: seed of the SVD sketch and of the rank-selection split.
        dtype: ``torch.float32`` or ``torch.float64``.
    """

    rank: int = 32
    window: int = 10
    neg_coef: float = 0.02
    n_iter: int = 10
    oversample: int | None = None
    orthonormalizer: str = "qr"
    seed: int = 0
    dtype: torch.dtype = torch.float32

    def __post_init__(self) -> None:
        check_whole_number_fields(
            self,
            ("rank", "window", "n_iter", "oversample", "seed"),
            optional=("oversample",),
        )
        neg_coef = self.neg_coef
        if isinstance(neg_coef, bool) or not isinstance(neg_coef, numbers.Real):
            raise WrongTypeError(
                f"neg_coef must be a real number, got {neg_coef!r} of type "
                f"{type(neg_coef).__name__}"
            )
        if self.rank < 0:
            raise ValueError(f"rank must be >= 0 (0 selects it), got {self.rank}")
        if self.window < 1:
            raise ValueError(f"window must be >= 1, got {self.window}")
        if not math.isfinite(self.neg_coef):
            raise ValueError(f"neg_coef must be a finite number, got {self.neg_coef}")
        if self.n_iter < 0:
            raise ValueError(f"n_iter must be >= 0, got {self.n_iter}")
        if self.orthonormalizer not in ORTHONORMALIZERS:
            raise ValueError(
                f"unknown orthonormalizer {self.orthonormalizer!r}; choose one of "
                f"{sorted(ORTHONORMALIZERS)}"
            )
        if self.dtype not in (torch.float32, torch.float64):
            raise ValueError(
                f"dtype must be torch.float32 or torch.float64, got {self.dtype}"
            )


@dataclass
class LinkPredictionResult:
    """ROC-AUC on the test pairs, the rank used and seconds per phase."""

    auc: float
    rank: int
    timings: dict[str, float] = field(default_factory=dict)


def embed(
    edge_index: Tensor,
    num_nodes: int,
    config: LinkPredictionConfig,
    rank: int | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Return the rank-k SVD ``(U, S, V)`` of the random-walk matrix of ``edge_index``.

    Shapes:
        edge_index: ``(2, E)`` undirected edges; U, V: ``(num_nodes, k)``; S: ``(k,)``.
    """
    rank = config.rank if rank is None else rank
    # Checked before the random-walk matrix is built, whose vectors of num_nodes
    # entries alone can exhaust memory when one node id is far too large.
    oversample = min(rank, 30) if config.oversample is None else config.oversample
    check_sketch_memory(
        (num_nodes, num_nodes),
        min(rank + oversample, num_nodes),
        config.dtype,
        edge_index.device,
        f"The graph has {num_nodes} nodes, because the largest node id sets the node "
        "count. Check the node ids of the edge files, or lower the rank",
    )
    matrix = wys_matrix(
        edge_index,
        num_nodes,
        window=config.window,
        neg_coef=config.neg_coef,
        dtype=config.dtype,
    )
    return randomized_svd(
        matrix,
        rank,
        oversample=config.oversample,
        n_iter=config.n_iter,
        orthonormalizer=config.orthonormalizer,
        seed=config.seed,
        timings=timings,
    )


def score_pairs(u: Tensor, s: Tensor, v: Tensor, pairs: Tensor) -> Tensor:
    """Return the symmetrised bilinear score of each column ``(i, j)`` of ``pairs``.

    Shapes:
        pairs: ``(2, P)``; returns ``(P,)``.
    """
    check_edge_index(pairs, "pairs")
    if pairs.numel():
        low, high = int(pairs.min()), int(pairs.max())
        if low < 0 or high >= u.size(0):
            raise ValueError(
                f"pairs must contain node ids in [0, {u.size(0)}), found "
                f"{low if low < 0 else high}. Score only nodes that the SVD covers"
            )
    # torch reads a uint8 index tensor as a boolean mask, so ids are made int64 first.
    i, j = pairs[0].long(), pairs[1].long()
    forward = (u[i] * s * v[j]).sum(dim=1)
    backward = (u[j] * s * v[i]).sum(dim=1)
    return 0.5 * (forward + backward)


def roc_auc(positive_scores: Tensor, negative_scores: Tensor) -> float:
    """Return the ROC-AUC of positive against negative scores (ties count one half).

    .. math::
        \\mathrm{AUC} = \\frac{1}{P N} \\sum_{i, j}
        \\big( [s^+_i > s^-_j] + \\tfrac12 [s^+_i = s^-_j] \\big)

    for ``P`` positive and ``N`` negative scores, computed from the ranks of one sort in
    float64 (the Mann-Whitney U of :mod:`graphkit.train.metrics`). scikit-learn's
    ``roc_auc_score`` gives the same value up to float round-off, but importing
    ``sklearn.metrics`` costs about 1 CPU s (scikit-learn 1.9.1) per ``graphkit isvd
    linkpred`` command.
    Scores may be on any device, in any floating dtype and attached to a graph.

    Raises:
        ValueError: If either set of scores is empty, where ROC-AUC is undefined, or
            if a score is NaN.
    """
    if positive_scores.numel() == 0 or negative_scores.numel() == 0:
        raise ValueError(
            f"ROC-AUC needs at least one positive and one negative score, got "
            f"{positive_scores.numel()} positive and {negative_scores.numel()} negative"
        )
    if positive_scores.is_complex() or negative_scores.is_complex():
        # The cast to float64 below would rank the real parts only.
        raise TypeError(
            f"ROC-AUC ranks real scores, got {positive_scores.dtype} positive and "
            f"{negative_scores.dtype} negative scores"
        )
    positive = positive_scores.detach().reshape(-1).to(torch.float64)
    negative = negative_scores.detach().reshape(-1).to(torch.float64)
    for name, scores in (("positive", positive), ("negative", negative)):
        nan = torch.isnan(scores).nonzero().view(-1)
        if nan.numel():
            raise ValueError(
                f"ROC-AUC cannot rank NaN scores, but {nan.numel()} of the "
                f"{scores.numel()} {name} scores are NaN (the first at index "
                f"{int(nan[0])}). Check the embedding for NaN entries"
            )
    return _mann_whitney(torch.cat([negative, positive]), negative.numel())


def unique_undirected_edges(edge_index: Tensor, num_nodes: int) -> Tensor:
    """Keep the first occurrence of each undirected edge, in input order.

    ``(i, j)`` and ``(j, i)`` are the same edge, so a split of the result cannot put one
    direction of an edge on each side.

    Shapes:
        edge_index: ``(2, E)``. Returns ``(2, E')`` with ``E' <= E``.

    Raises:
        TypeError, ValueError: ``edge_index`` is not an integer ``(2, E)`` tensor of
            ids in ``[0, num_nodes)``.
    """
    # The pair keys low * num_nodes + high are unique only for ids in [0, num_nodes).
    # A larger id would get the key of another pair and be merged with it.
    num_nodes = check_node_ids(edge_index, num_nodes)
    low = torch.minimum(edge_index[0], edge_index[1]).long()
    high = torch.maximum(edge_index[0], edge_index[1]).long()
    keys, inverse = torch.unique(low * num_nodes + high, return_inverse=True)
    device = edge_index.device
    first = torch.full(
        (keys.numel(),), edge_index.shape[1], dtype=torch.long, device=device
    )
    positions = torch.arange(edge_index.shape[1], device=device)
    first.scatter_reduce_(0, inverse, positions, "amin")
    return edge_index[:, first.sort().values]


def sample_non_edges(
    edge_index: Tensor, num_nodes: int, count: int, generator: torch.Generator
) -> Tensor:
    """Draw ``count`` node pairs ``(i, j)`` uniformly among pairs that are not edges.

    A pair is rejected when ``i == j`` or when ``(i, j)`` or ``(j, i)`` is in
    ``edge_index``, so no negative is a positive in either direction.

    Shapes:
        edge_index: ``(2, E)``. Returns ``(2, count)``.

    Raises:
        ValueError: If ``count > 0`` and every pair of distinct nodes is an edge, or
            ``edge_index`` has an id outside ``[0, num_nodes)``.
    """
    # ``generator`` is a CPU generator, so the pairs are drawn and checked on the CPU
    # and then moved to the device of ``edge_index``.
    num_nodes = check_node_ids(edge_index, num_nodes)
    device = edge_index.device
    edge_index = edge_index.cpu()
    low = torch.minimum(edge_index[0], edge_index[1]).long()
    high = torch.maximum(edge_index[0], edge_index[1]).long()
    edge_keys = torch.unique((low * num_nodes + high)[low != high])
    num_pairs = num_nodes * (num_nodes - 1) // 2
    num_free = num_pairs - edge_keys.numel()
    if count == 0:
        return torch.zeros(2, 0, dtype=torch.long, device=device)
    if num_pairs == 0:
        raise ValueError(
            f"cannot sample negative pairs: a graph of {num_nodes} node(s) has no pair "
            "of distinct nodes. Use a graph with at least two nodes"
        )
    if num_free <= 0:
        raise ValueError(
            f"cannot sample negative pairs: all {num_pairs} pairs of the "
            f"{num_nodes} nodes are edges. Use a graph with at least one non-edge"
        )
    if num_free < num_pairs // 4:
        # In a dense graph rejection would waste most draws, so list the free pairs,
        # which are fewer than the edges, and draw among them.
        rows, cols = torch.triu_indices(num_nodes, num_nodes, offset=1)
        free = ~torch.isin(rows * num_nodes + cols, edge_keys)
        pairs = torch.stack([rows[free], cols[free]])
        picks = torch.randint(pairs.shape[1], (count,), generator=generator)
        return pairs[:, picks].to(device)
    chunks, found = [], 0
    while found < count:
        draw = torch.randint(
            0, num_nodes, (2, 2 * (count - found)), generator=generator
        )
        low, high = draw.min(dim=0).values, draw.max(dim=0).values
        keep = (low != high) & ~torch.isin(low * num_nodes + high, edge_keys)
        chunks.append(draw[:, keep])
        found += int(keep.sum())
    return torch.cat(chunks, dim=1)[:, :count].to(device)


def select_rank(
    edge_index: Tensor,
    num_nodes: int,
    config: LinkPredictionConfig,
    candidates: Sequence[int] = RANK_CANDIDATES,
    fit_fraction: float = 0.4,
    negatives_per_edge: int = 5,
    timings: dict[str, float] | None = None,
) -> int:
    """Pick the rank with the best ROC-AUC on a split of the training edges.

    One SVD of the largest candidate rank (20 iterations) is fitted on ``fit_fraction``
    of the edges. Each candidate k keeps its first k triplets and scores the other edges
    against ``negatives_per_edge`` node pairs per edge, drawn uniformly among the pairs
    of distinct nodes that are not training edges.

    Shapes:
        edge_index: ``(2, E)`` training edges. An edge given in both directions or
            repeated is split as one edge.
    """
    all_edges = edge_index
    edge_index = unique_undirected_edges(edge_index, num_nodes)
    generator = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(edge_index.shape[1], generator=generator)
    cut = int(fit_fraction * edge_index.shape[1])
    fit_edges, held_edges = edge_index[:, order[:cut]], edge_index[:, order[cut:]]
    candidates = sorted(k for k in candidates if k <= num_nodes)
    if not candidates:
        raise ValueError(f"no candidate rank fits a graph of {num_nodes} nodes")
    search = LinkPredictionConfig(**{**config.__dict__, "n_iter": 20, "oversample": 30})
    u, s, v = embed(fit_edges, num_nodes, search, rank=candidates[-1], timings=timings)
    negatives = sample_non_edges(
        all_edges, num_nodes, negatives_per_edge * held_edges.shape[1], generator
    )
    scores = {}
    for k in candidates:
        positive = score_pairs(u[:, :k], s[:k], v[:, :k], held_edges)
        negative = score_pairs(u[:, :k], s[:k], v[:, :k], negatives)
        scores[k] = roc_auc(positive, negative)
    best = max(scores, key=scores.get)
    logger.info(
        "rank selection ROC-AUC: %s -> rank %d",
        ", ".join(f"{k}: {auc:.4f}" for k, auc in scores.items()),
        best,
    )
    return best


def undirected_keys(pairs: Tensor, num_nodes: int) -> Tensor:
    """Return one int64 key per pair, equal for ``(i, j)`` and ``(j, i)``.

    Shapes:
        pairs: ``(2, P)`` with ids in ``[0, num_nodes)``. Returns ``(P,)``.
    """
    low = torch.minimum(pairs[0], pairs[1]).long()
    high = torch.maximum(pairs[0], pairs[1]).long()
    return low * num_nodes + high


def warn_about_split_overlap(data) -> None:
    """Log a warning for test edges in training and for negative pairs that are edges.

    The score is symmetric, so a pair counts in either direction. A test edge that is
    also a training edge lets the SVD see it and raises the ROC-AUC. A negative pair
    that is an edge is scored as a non-edge.
    """
    train = undirected_keys(data.train_pos_edge_index, data.num_nodes)
    test = undirected_keys(data.test_pos_edge_index, data.num_nodes)
    negative = undirected_keys(data.test_neg_edge_index, data.num_nodes)
    leaked = int(torch.isin(test, train).sum())
    if leaked:
        logger.warning(
            "%d of %d test edges are also training edges (in either direction), so the "
            "SVD sees them and the ROC-AUC is optimistic. Remove them from one split",
            leaked,
            test.numel(),
        )
    mislabelled = int(torch.isin(negative, torch.cat([train, test])).sum())
    if mislabelled:
        logger.warning(
            "%d of %d negative test pairs are training or test edges (in either "
            "direction), so edges count as negatives. Draw the negatives among non-edges",
            mislabelled,
            negative.numel(),
        )


def run_link_prediction(data, config: LinkPredictionConfig) -> LinkPredictionResult:
    """Fit the SVD on ``data.train_pos_edge_index`` and score the test pairs.

    Test pairs that are also training edges, and negative pairs that are edges, are
    reported with a warning (see :func:`warn_about_split_overlap`).

    Args:
        data: a :class:`~torch_geometric.data.Data` as returned by
            :func:`graphkit.datasets.load_asymproj`.
        config (LinkPredictionConfig): the SVD settings.
    """
    # Checked before any SVD, so an empty split fails in seconds, not after the fit.
    for name in ("train_pos_edge_index", "test_pos_edge_index", "test_neg_edge_index"):
        if getattr(data, name).numel() == 0:
            raise ValueError(
                f"data.{name} is empty, but link prediction needs training edges, test "
                "edges and negative test pairs. Check the split files the data came from"
            )
    # The SVD of an n x n matrix has at most n singular values.
    if config.rank > data.num_nodes:
        raise ValueError(
            f"{option('rank', config.rank)} is larger than the max rank "
            f"{data.num_nodes}, the node count of the graph. Lower {option('rank')} to "
            f"at most {data.num_nodes}, or set it to 0 to select the rank on the "
            "training edges"
        )
    timings: dict[str, float] = {}
    started = time.perf_counter()
    rank = config.rank
    if rank == 0:
        rank = select_rank(
            data.train_pos_edge_index, data.num_nodes, config, timings=timings
        )
    u, s, v = embed(
        data.train_pos_edge_index, data.num_nodes, config, rank, timings=timings
    )
    tic = time.perf_counter()
    auc = roc_auc(
        score_pairs(u, s, v, data.test_pos_edge_index),
        score_pairs(u, s, v, data.test_neg_edge_index),
    )
    timings["scoring"] = time.perf_counter() - tic
    timings["total"] = time.perf_counter() - started
    # After scoring, which has checked every test id against num_nodes.
    warn_about_split_overlap(data)
    return LinkPredictionResult(auc=auc, rank=rank, timings=timings)
