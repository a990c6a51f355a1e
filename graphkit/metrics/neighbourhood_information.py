"""Neighbourhood Information Content (NIC): how much information a node's neighbourhood
label histogram carries about its own label, as a chance-corrected normalised mutual
information.

The idea follows Mostafa, Nassar and Majumdar, "On Local Aggregation in Heterophilic
Graphs" (arXiv 2106.03213): homophily measures only whether neighbours share a
label, while a local-aggregation GNN can use any regularity of the neighbour label
distribution. NOTE: the estimator below is this project's own precise definition.
It was not checked against the paper's formula or tables, so its values need not
match numbers published under the name NIC.

Estimator, for a graph built with the conventions of :mod:`graphkit.metrics.graph`:

1. Histogram. For every counted node ``v``, ``c_v[k]`` is the number of counted nodes
   of class ``k`` in ``N_K(v)``, the nodes at distance 1 to ``K = hops`` from ``v``
   along in-edges (each node once, ``v`` itself never, so the node's own label cannot
   leak in even when self-loops are kept). ``d_v = sum_k c_v[k]``. Nodes with
   ``d_v = 0`` are left out.
2. Discretisation. With ``bins = B``, the histogram becomes the integer vector
   ``z_v[k] = floor(B c_v[k] / d_v + 1/2)`` (the class fractions rounded half up to
   multiples of ``1/B``, in exact integer arithmetic). With ``bins=None`` the raw
   counts ``z_v = c_v`` are kept, so the neighbourhood size is part of the symbol.
   Each distinct vector is one symbol ``Z``.
3. Plug-in mutual information ``I(Y; Z)`` of the pairs ``(y_v, z_v)`` over the
   ``n`` nodes kept, and the label entropy ``H(Y)``, both from empirical frequencies.
4. Bias correction. The plug-in ``I`` is biased upwards by about
   ``(R - 1)(C - 1) / 2n`` for ``R`` symbols and ``C`` classes. ``E[I]`` is its exact
   expectation when the labels are randomly permuted over the same nodes (marginals
   of ``Y`` and ``Z`` fixed; hypergeometric cell counts, see
   :func:`graphkit.metrics.information.expected_mutual_information`). Then

   .. math::
       NIC = \\frac{I(Y; Z) - E[I]}{H(Y) - E[I]}

   as in the adjusted mutual information of Vinh, Epps and Bailey (JMLR 2010), with
   ``H(Y)`` as the upper bound because the question is what ``Z`` says about ``Y``.

Properties: ``NIC = 1`` exactly when ``y_v`` is a function of ``z_v`` (then
``I = H(Y)``), unless ``E[I] = H(Y)`` too (every symbol occurs once), where NIC is
undefined and returned as NaN. Its expectation is 0 when labels are independent of the neighbourhood
symbols; it can be slightly negative. Nothing is sampled, so the value is
deterministic. With ``correction="none"`` step 4 is skipped and ``I / H(Y)`` is
returned (fast, but biased upwards when ``R`` is not small against ``n``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
from torch import Tensor

from graphkit.metrics.graph import (
    LabelledGraph,
    as_labelled_graph,
    require_labelled_graph,
)
from graphkit.metrics.information import (
    entropy,
    expected_mutual_information,
    mutual_information_from_pairs,
)
from graphkit.metrics.khop import khop_label_counts
from graphkit.metrics.nic_symbols import capped_bins, label_count_symbols, sparse_symbols
from graphkit.metrics.sorting import unique_inverse_counts
from graphkit.whole_numbers import require_whole_number

log = logging.getLogger(__name__)

CORRECTIONS = ("permutation", "none")


@dataclass(frozen=True)
class NICEstimate:
    """One NIC value with the quantities it is made of (information in nats).

    Attributes:
        value: NIC after the chosen correction.
        mutual_information: plug-in ``I(Y; Z)``.
        baseline: ``E[I]`` under random label permutation (0 when not corrected).
        label_entropy: ``H(Y)`` of the nodes kept.
        num_nodes: nodes kept (counted and with a non-empty neighbourhood).
        num_symbols: distinct discretised histograms ``R``.
    """

    value: float
    mutual_information: float
    baseline: float
    label_entropy: float
    num_nodes: int
    num_symbols: int


def neighbour_label_counts(graph: LabelledGraph, hops: int = 1) -> Tensor:
    """Count the classes in each node's ``hops``-hop in-neighbourhood.

    Returns:
        int64 ``[N, C]``: entry ``[v, k]`` is the number of distinct counted nodes of
        class ``k`` at distance 1 to ``hops`` from ``v``, ``v`` itself excluded.

    The table is dense (``N * C`` integers). :func:`nic_estimate` reads the non-zero
    entries instead where the other measures avoid that table (see
    ``LabelledGraph.uses_dense_counts``).
    """
    graph = require_labelled_graph(graph, "neighbour_label_counts")
    counts = _histogram_table(graph, hops)
    if hops == 1 and not graph.options.self_loops:
        # This is the graph's cached table, which its other measures read, so the
        # caller gets a copy.
        return counts.clone()
    return counts


def _histogram_table(graph: LabelledGraph, hops: int) -> Tensor:
    """Return the table of :func:`neighbour_label_counts`, possibly the graph's cache."""
    hops = _positive_integer(hops, "hops")
    if hops == 1 and not graph.options.self_loops:
        return graph.neighbour_class_counts
    n, c = graph.num_nodes, graph.num_classes
    if hops == 1:
        keep = graph.src != graph.dst
        key = graph.dst[keep] * c + graph.y[graph.src[keep]]
        return torch.bincount(key, minlength=n * c).view(n, c)
    keys, counts = khop_label_counts(graph, hops)
    table = torch.zeros(n * c, dtype=torch.int64)
    table[keys] = counts
    return table.view(n, c)


def _positive_integer(value, name: str) -> int:
    """Return ``value`` as an int, or raise unless it is an integer >= 1.

    A non-integer raises WrongTypeError, and an integer below 1 ValueError. NumPy
    integers pass, as from a loop over ``np.arange``. A bool is rejected,
    because ``True`` would silently select 1.
    """
    none = " or None" if name == "bins" else ""
    message = f"{name} must be a positive integer{none}, got {value!r}"
    return require_whole_number(value, message, minimum=1, tensors=False)


def discretise_histograms(counts: Tensor, bins: int | None) -> Tensor:
    """Map each row of ``counts`` to a symbol id (step 2 of the module docstring).

    Args:
        counts (Tensor): int64 ``[n, C]``, every row with a positive sum.
        bins (int, optional): ``B``, fraction levels per class; ``None`` keeps the
            raw counts.

    Returns:
        int64 ``[n]`` ids in ``[0, R)``, equal for equal discretised rows.

    Raises:
        TypeError: ``counts`` is not an integer tensor.
        ValueError: ``counts`` is not 2-D, has a negative entry (the mixed-radix key
            below would give two different rows one id), or, with ``bins``, has a row
            with sum 0, whose class fractions are undefined.
    """
    _check_histogram_counts(counts)
    if bins is None:
        levels = counts
    else:
        bins = _positive_integer(bins, "bins")
        degree = counts.sum(dim=1, keepdim=True)
        if degree.numel() and int(degree.min()) == 0:
            row = int((degree.view(-1) == 0).nonzero()[0])
            raise ValueError(
                f"counts row {row} sums to 0, so its class fractions are undefined. "
                "Leave out nodes without neighbours, or pass bins=None"
            )
        bins = capped_bins(bins, int(degree.max()) if degree.numel() else 1)
        levels = torch.div(
            2 * bins * counts + degree, 2 * degree, rounding_mode="floor"
        )
    base = int(levels.max()) + 1 if levels.numel() else 1
    c = levels.size(1)
    if c * math.log2(max(base, 2)) < 62:
        # Mixed-radix key: one int64 per row, so a 1-D unique suffices.
        radix = base ** torch.arange(c, dtype=torch.int64)
        key = (levels * radix).sum(dim=1)
        _, ids, _ = unique_inverse_counts(key)
    else:
        _, ids = torch.unique(levels, dim=0, return_inverse=True)
    return ids


def _check_histogram_counts(counts: Tensor) -> None:
    """Raise unless ``counts`` is a 2-D tensor of non-negative integers."""
    if not isinstance(counts, Tensor):
        raise TypeError(
            f"counts must be a tensor of neighbour class counts, got "
            f"{type(counts).__name__}"
        )
    if counts.is_floating_point() or counts.is_complex() or counts.dtype == torch.bool:
        raise TypeError(
            f"counts must be an integer tensor of neighbour class counts, got "
            f"{counts.dtype}"
        )
    if counts.dim() != 2:
        raise ValueError(
            f"counts must have shape [n, C], one row per node, got "
            f"{tuple(counts.shape)}"
        )
    if counts.numel() and int(counts.min()) < 0:
        raise ValueError(
            f"counts must be non-negative, got the entry {int(counts.min())}"
        )


def _node_symbols(
    graph: LabelledGraph, hops: int, bins: int | None
) -> tuple[Tensor, Tensor, Tensor]:
    """Return the nodes kept, their symbols and their neighbourhood sizes ``d_v``.

    The dense ``[N, C]`` histogram table is used where the other measures use it
    too (``LabelledGraph.uses_dense_counts``), and the non-zero entries otherwise.
    """
    if graph.uses_dense_counts:
        counts = _histogram_table(graph, hops)
        size = counts.sum(dim=1)
        kept = graph.mask & (size > 0)
        return kept, discretise_histograms(counts[kept], bins), size[kept]
    hops = _positive_integer(hops, "hops")
    if bins is not None:
        bins = _positive_integer(bins, "bins")
    if hops == 1:
        keep = graph.src != graph.dst
        return sparse_symbols(graph, graph.src[keep], graph.dst[keep], bins)
    keys, counts = khop_label_counts(graph, hops)
    return label_count_symbols(graph, keys, counts, bins)


def nic_from_symbols(labels: Tensor, symbols: Tensor, correction: str) -> NICEstimate:
    """Estimate NIC from per-node labels and symbols (steps 3 and 4).

    Args:
        labels (Tensor): int64 ``[n]`` class ids.
        symbols (Tensor): int64 ``[n]`` symbol ids.
        correction (str): ``"permutation"`` or ``"none"``.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, got {correction!r}")
    n = labels.numel()
    if n == 0:
        return NICEstimate(float("nan"), float("nan"), float("nan"), float("nan"), 0, 0)
    info, symbol_counts, label_counts = mutual_information_from_pairs(symbols, labels)
    label_entropy = entropy(label_counts.double() / n)
    num_symbols = int((symbol_counts > 0).sum())
    baseline = 0.0
    if correction == "permutation":
        baseline = expected_mutual_information(symbol_counts, label_counts)
    denominator = label_entropy - baseline
    value = (info - baseline) / denominator if denominator > 1e-12 else float("nan")
    return NICEstimate(value, info, baseline, label_entropy, n, num_symbols)


# NOTE: a guessed limit. On the shared datasets E[I] is at most 0.50 H(Y)
# (chameleon-filtered). On a 2,000-node synthetic_csbm graph with homophily 0.2 it is
# 0.99 H(Y) and NIC is -0.11, against 0.06 on the 20,000-node graph and 0.10 with
# bins=4.
NOISY_BASELINE_FRACTION = 0.8


def nic_estimate(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    bins: int | None = 10,
    hops: int = 1,
    correction: str = "permutation",
    node_mask: Tensor | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> NICEstimate:
    """Estimate NIC and return it with its parts (see the module docstring).

    Args:
        edge_index (Tensor or LabelledGraph): edges ``[2, E]`` or a built graph.
        y (Tensor): labels ``[N]``; negative labels mark unlabelled nodes.
        bins (int, optional): fraction levels per class (default 10); ``None`` keeps
            raw neighbour counts.
        hops (int): neighbourhood radius ``K`` (default 1).
        correction (str): ``"permutation"`` (default, exact expected mutual
            information under label permutation) or ``"none"``.
        node_mask (Tensor, optional): bool ``[N]``, the nodes to count.
        directed (bool, optional): keep edge directions (default ``False``).
        self_loops (bool, optional): keep self-loops (default ``False``); the node
            itself never enters its own histogram.
    """
    graph = as_labelled_graph(
        edge_index, y, node_mask=node_mask, directed=directed, self_loops=self_loops
    )
    kept, symbols, _ = _node_symbols(graph, hops, bins)
    estimate = nic_from_symbols(graph.y[kept], symbols, correction)
    if math.isnan(estimate.value):
        log.warning(
            "NIC is undefined here: %d nodes with a neighbour, label entropy %.3g",
            estimate.num_nodes,
            estimate.label_entropy,
        )
    elif estimate.baseline > NOISY_BASELINE_FRACTION * estimate.label_entropy:
        log.warning(
            "NIC %.4f is noisy here: %d neighbourhood symbols over %d nodes give a "
            "permutation baseline E[I] = %.3f of the label entropy H(Y) = %.3f, so "
            "NIC divides by the small H(Y) - E[I]. Pass fewer levels per class "
            "(bins, --nic-bins) to get fewer symbols",
            estimate.value,
            estimate.num_symbols,
            estimate.num_nodes,
            estimate.baseline,
            estimate.label_entropy,
        )
    return estimate


def nic(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None = None,
    *,
    bins: int | None = 10,
    hops: int = 1,
    correction: str = "permutation",
    node_mask: Tensor | None = None,
    directed: bool | None = None,
    self_loops: bool | None = None,
) -> float:
    """Compute NIC as the module docstring defines it.

    The arguments are those of :func:`nic_estimate`, which also returns the parts.
    """
    return nic_estimate(
        edge_index,
        y,
        bins=bins,
        hops=hops,
        correction=correction,
        node_mask=node_mask,
        directed=directed,
        self_loops=self_loops,
    ).value


def nic_by_neighbourhood_size(
    graph: LabelledGraph,
    *,
    bins: int | None = 10,
    hops: int = 1,
    correction: str = "permutation",
    min_nodes: int = 20,
) -> list[tuple[int, int, NICEstimate]]:
    """Estimate NIC separately for nodes grouped by neighbourhood size.

    Groups are powers of two: ``[1, 2), [2, 4), [4, 8), ...`` of ``d_v``. Groups with
    fewer than ``min_nodes`` nodes are skipped.

    Returns:
        ``(low, high, estimate)`` per group, with ``low <= d_v < high``.
    """
    graph = require_labelled_graph(graph, "nic_by_neighbourhood_size")
    kept, symbols, size = _node_symbols(graph, hops, bins)
    labels = graph.y[kept]
    group = torch.floor(torch.log2(size.double())).long()
    results = []
    for g in torch.unique(group).tolist():
        members = group == g
        if int(members.sum()) < min_nodes:
            continue
        estimate = nic_from_symbols(labels[members], symbols[members], correction)
        results.append((2**g, 2 ** (g + 1), estimate))
    return results
