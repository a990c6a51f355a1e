"""NIC: histograms, discretisation, the corrected estimator and its stated properties."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch
from sklearn.metrics import adjusted_mutual_info_score

from graphkit.metrics import (
    build_labelled_graph,
    discretise_histograms,
    edge_homophily,
    neighbour_label_counts,
    nic,
    nic_by_neighbourhood_size,
    nic_estimate,
)
from graphkit.metrics.graph import MeasureOptions
from graphkit.metrics.neighbourhood_information import nic_from_symbols

# Edges 0-1, 1-2, 2-3, 3-4, 2-4; classes 0 0 1 1 1.
EDGES = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 4, 4]])
Y = torch.tensor([0, 0, 1, 1, 1])


def test_neighbour_counts_one_hop():
    counts = neighbour_label_counts(build_labelled_graph(EDGES, Y))
    assert counts.tolist() == [[1, 0], [1, 1], [1, 2], [0, 2], [0, 2]]


def test_neighbour_counts_two_hops_exclude_node_itself():
    graph = build_labelled_graph(EDGES, Y, options=MeasureOptions(self_loops=True))
    counts = neighbour_label_counts(graph, hops=2)
    # Node 0 reaches 1 (class 0) and 2 (class 1); node 1 reaches 0, 2, 3, 4.
    assert counts.tolist() == [[1, 1], [1, 3], [2, 2], [1, 2], [1, 2]]


def test_two_hop_counts_raise_no_warning():
    # torch warns about CSR once per process, so an earlier test may have used up the
    # warning here. A fresh interpreter with warnings as errors fails if it fires.
    code = (
        "import torch\n"
        "from graphkit.metrics import build_labelled_graph, neighbour_label_counts\n"
        "edges = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 4, 4]])\n"
        "graph = build_labelled_graph(edges, torch.tensor([0, 0, 1, 1, 1]))\n"
        "print(neighbour_label_counts(graph, hops=2).tolist())\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_self_loop_never_counts_own_label():
    loops = torch.cat([EDGES, torch.tensor([[0], [0]])], dim=1)
    graph = build_labelled_graph(loops, Y, options=MeasureOptions(self_loops=True))
    assert neighbour_label_counts(graph)[0].tolist() == [1, 0]


def test_discretise_rounds_half_up():
    counts = torch.tensor([[1, 1, 2], [2, 2, 4], [1, 0, 3], [2, 0, 6]])
    # B = 10: fractions 0.25 0.25 0.5 -> 3 3 5; 0.25 0 0.75 -> 3 0 8.
    ids = discretise_histograms(counts, bins=10)
    assert ids[0] == ids[1]
    assert ids[2] == ids[3]
    assert ids[0] != ids[2]
    raw = discretise_histograms(counts, bins=None)
    assert len(set(raw.tolist())) == 4
    # B = 1: a fraction of exactly 1/2 rounds to 1, so (1, 1) and (2, 1) differ,
    # while rounding down would map all four rows to (0, 0).
    ids = discretise_histograms(torch.tensor([[1, 1], [2, 1], [1, 2], [3, 3]]), bins=1)
    assert ids[0] == ids[3]
    assert len({int(ids[0]), int(ids[1]), int(ids[2])}) == 3


def test_neighbour_counts_reject_zero_hops():
    graph = build_labelled_graph(EDGES, Y)
    with pytest.raises(ValueError, match="hops must be a positive integer, got 0"):
        neighbour_label_counts(graph, hops=0)


@pytest.mark.parametrize("n", [4, 6, 7])
def test_nic_undefined_when_every_symbol_unique(n):
    # With every symbol unique, E[I] = H(Y) = I. Rounding leaves H(Y) - E[I] within
    # 1e-15 of 0, on either side, and the estimate must be NaN rather than 0 / 0 in floats.
    estimate = nic_from_symbols(torch.arange(n) % 3, torch.arange(n), "permutation")
    assert math.isnan(estimate.value)
    assert estimate.num_symbols == n


def test_nic_undefined_when_many_symbols_unique():
    # At n = 1e5 the hypergeometric sum for E[I] is off from H(Y) by about 2e-10,
    # so a tolerance alone turned the 0 / 0 into NIC = 1.0.
    n = 100_000
    estimate = nic_from_symbols(torch.arange(n) % 2, torch.arange(n), "permutation")
    assert estimate.baseline == estimate.label_entropy
    assert math.isnan(estimate.value)


def test_discretise_wide_rows_use_row_unique():
    counts = torch.randint(1, 50, (40, 30))
    counts[1] = counts[0] * 3
    ids = discretise_histograms(counts, bins=1000)
    assert ids[0] == ids[1]
    assert len(set(ids.tolist())) == 39


def test_discretise_rejects_bad_bins():
    with pytest.raises(ValueError, match="bins must be"):
        discretise_histograms(torch.ones(2, 2, dtype=torch.long), bins=0)


def test_nic_hand_graph_is_one():
    # Symbols (10 levels): node 0 (10,0), node 1 (5,5), node 2 (3,7), nodes 3-4 (0,10).
    # Every symbol has one class, so I(Y; Z) = H(Y) and NIC = 1.
    estimate = nic_estimate(EDGES, Y)
    assert estimate.value == pytest.approx(1.0)
    assert estimate.mutual_information == pytest.approx(estimate.label_entropy)
    assert estimate.label_entropy == pytest.approx(
        -(0.4 * math.log(0.4) + 0.6 * math.log(0.6))
    )
    assert estimate.num_symbols == 4
    assert estimate.num_nodes == 5


def test_nic_matches_sklearn_adjusted_mutual_information():
    gen = torch.Generator().manual_seed(3)
    labels = torch.randint(0, 3, (400,), generator=gen)
    symbols = (labels + torch.randint(0, 40, (400,), generator=gen)) % 40
    estimate = nic_from_symbols(labels, symbols, "permutation")
    # H(Z) > H(Y) here, so the "min" normaliser is H(Y).
    reference = adjusted_mutual_info_score(
        labels.numpy(), symbols.numpy(), average_method="min"
    )
    assert estimate.value == pytest.approx(reference, abs=1e-9)


def test_nic_without_correction_is_plug_in_ratio():
    estimate = nic_estimate(EDGES, Y, correction="none")
    assert estimate.baseline == 0.0
    assert estimate.value == pytest.approx(
        estimate.mutual_information / estimate.label_entropy
    )
    with pytest.raises(ValueError, match="correction must be one of"):
        nic(EDGES, Y, correction="bootstrap")


def _planted_graph(seed: int, n: int, degree: int, classes: int, rule: str):
    """Random graph whose edges follow ``rule`` between classes; labels uniform."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, classes, (n,), generator=gen)
    by_class = [torch.nonzero(y == k).flatten() for k in range(classes)]
    src = torch.randint(0, n, (n * degree,), generator=gen)
    if rule == "same":
        partner_class = y[src]
    elif rule == "next":  # class k links only to class k + 1 (mod C): homophily 0
        partner_class = (y[src] + 1) % classes
    else:  # "random": labels independent of edges
        partner_class = torch.randint(0, classes, (src.numel(),), generator=gen)
    dst = torch.empty_like(src)
    for k in range(classes):
        chosen = partner_class == k
        pick = torch.randint(
            0, by_class[k].numel(), (int(chosen.sum()),), generator=gen
        )
        dst[chosen] = by_class[k][pick]
    return torch.stack([src, dst]), y


def test_nic_one_for_homophilous_graph():
    edges, y = _planted_graph(0, 2000, 5, 4, "same")
    assert nic(edges, y) == pytest.approx(1.0)


def test_nic_one_for_heterophilous_rules():
    # Two classes, edges only between them: homophily 0, the neighbours' class gives
    # the label.
    edges, y = _planted_graph(1, 2000, 5, 2, "next")
    assert edge_homophily(edges, y) == 0.0
    assert nic(edges, y) == pytest.approx(1.0)
    # Directed cycle of 4 classes: every in-neighbour of a class-k node has class k - 1.
    edges, y = _planted_graph(1, 2000, 5, 4, "next")
    assert edge_homophily(edges, y, directed=True) == 0.0
    assert nic(edges, y, directed=True) == pytest.approx(1.0)


@pytest.mark.parametrize("bins", [10, None])
def test_nic_near_zero_and_stable_for_random_labels(bins):
    values = []
    for seed in range(4):
        edges, y = _planted_graph(seed, 20000, 5, 3, "random")
        values.append(nic(edges, y, bins=bins))
    assert max(abs(v) for v in values) < 0.02
    assert max(values) - min(values) < 0.01


def test_uncorrected_nic_is_biased_for_random_labels():
    edges, y = _planted_graph(0, 3000, 8, 5, "random")
    estimate = nic_estimate(edges, y, bins=None)
    assert estimate.mutual_information / estimate.label_entropy > 0.1
    assert abs(estimate.value) < 0.02


def test_nic_stable_across_seeds_on_noisy_structure():
    values = []
    for seed in range(4):
        edges, y = _planted_graph(seed, 20000, 5, 3, "same")
        gen = torch.Generator().manual_seed(50 + seed)
        noise = torch.rand(y.numel(), generator=gen) < 0.3
        y = torch.where(noise, torch.randint(0, 3, y.shape, generator=gen), y)
        values.append(nic(edges, y))
    assert 0.05 < min(values)
    assert max(values) < 0.95
    assert max(values) - min(values) < 0.01


def test_nic_is_deterministic():
    edges, y = _planted_graph(2, 3000, 5, 3, "random")
    assert nic(edges, y) == nic(edges, y)


def test_nic_mask_drops_nodes_and_their_edges():
    mask = torch.tensor([True, True, False, True, True])
    # Without node 2: edges 0-1 and 3-4; symbols (10,0) for 0, 1 and (0,10) for 3, 4.
    estimate = nic_estimate(EDGES, Y, node_mask=mask)
    assert estimate.num_nodes == 4
    assert estimate.num_symbols == 2
    assert estimate.value == pytest.approx(1.0)


def test_nic_by_neighbourhood_size_groups():
    edges, y = _planted_graph(0, 3000, 3, 3, "same")
    graph = build_labelled_graph(edges, y)
    groups = nic_by_neighbourhood_size(graph, min_nodes=1)
    degree = graph.in_degree
    assert sum(estimate.num_nodes for _, _, estimate in groups) == int(
        (degree > 0).sum()
    )
    for low, high, estimate in groups:
        assert high == 2 * low
        assert int(((degree >= low) & (degree < high)).sum()) == estimate.num_nodes
        if estimate.label_entropy > 0:  # else one class only, and NIC is NaN
            assert estimate.value == pytest.approx(1.0)


def test_size_groups_keep_min_nodes():
    # Degrees are 1, 2, 3, 2, 2, so group [1, 2) has 1 node and group [2, 4) has 4.
    graph = build_labelled_graph(EDGES, Y)
    groups = nic_by_neighbourhood_size(graph, min_nodes=4)
    assert [(low, high) for low, high, _ in groups] == [(2, 4)]
    assert groups[0][2].num_nodes == 4


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("hops", [2, 3])
def test_khop_counts_match_breadth_first_search(hops, directed):
    gen = torch.Generator().manual_seed(hops)
    edges = torch.randint(0, 25, (2, 45), generator=gen)
    y = torch.randint(0, 3, (25,), generator=gen)
    graph = build_labelled_graph(edges, y, options=MeasureOptions(directed=directed))
    counts = neighbour_label_counts(graph, hops=hops)
    in_neighbours = {v: set() for v in range(25)}
    for u, v in zip(graph.src.tolist(), graph.dst.tolist()):
        in_neighbours[v].add(u)
    for v in range(25):
        reached, frontier = set(), {v}
        for _ in range(hops):
            frontier = {u for w in frontier for u in in_neighbours[w]} - reached
            reached |= frontier
        reached.discard(v)
        expected = [sum(int(y[u]) == k for u in reached) for k in range(3)]
        assert counts[v].tolist() == expected, v


@pytest.mark.parametrize("correction", ["permutation", "none"])
def test_nic_one_for_determined_labels(correction):
    # Y is a function of Z, so I(Y; Z) = H(Y) and NIC is 1 without rounding error.
    generator = torch.Generator().manual_seed(1)
    symbols = torch.randint(0, 131, (445,), generator=generator)
    labels = (symbols * 7 + 3) % 5
    assert nic_from_symbols(labels, symbols, correction).value == 1.0
