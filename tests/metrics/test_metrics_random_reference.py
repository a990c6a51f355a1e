"""Every measure against a loop reference on small random graphs.

The cases mix what real inputs contain: directed and undirected graphs, self-loops,
duplicate edges, isolated and unlabelled nodes, a node mask, a class id without a
node, a single class, int32 ids and non-contiguous edge tensors. The reference is
written from the definitions in the docstrings, with Python sets and loops.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from fractions import Fraction

import pytest
import torch

from graphkit.metrics import (
    MeasureOptions,
    NICOptions,
    build_labelled_graph,
    summarize_graph,
)
from graphkit.metrics import graph as graph_module

NUM_CASES = 150


def _random_case(rng: random.Random) -> dict:
    n = rng.choice([1, 2, 3, 5, 8, 12, 20])
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randrange(3 * n))]
    edges += edges[: rng.randrange(3)]  # duplicates
    if rng.random() < 0.3:
        edges += [(v, v) for v in range(0, n, 3)]
    # Labels [0, 2, 3] leave class 1 without a node.
    classes = rng.choice([[0], [0, 1], [0, 1, 2], [0, 2, 3]])
    y = [rng.choice(classes) if rng.random() < 0.85 else -1 for _ in range(n)]
    y[rng.randrange(n)] = classes[0]  # at least one labelled node
    mask = None
    if rng.random() < 0.3:
        mask = [rng.random() < 0.8 for _ in range(n)]
    return {
        "n": n,
        "edges": edges,
        "y": y,
        "mask": mask,
        "directed": rng.random() < 0.5,
        "self_loops": rng.random() < 0.4,
        "isolated": rng.choice(["exclude", "zero"]),
        "hops": rng.choice([1, 2]),
        "bins": rng.choice([None, 2, 10]),
        "dense": rng.random() < 0.5,
        "int32_transposed": rng.random() < 0.5,
    }


def _kept_pairs(case: dict) -> tuple[list[tuple[int, int]], list[bool]]:
    mask = case["mask"] or [True] * case["n"]
    counted = [label >= 0 and keep for label, keep in zip(case["y"], mask)]
    pairs = set()
    for u, v in case["edges"]:
        if not (counted[u] and counted[v]) or (u == v and not case["self_loops"]):
            continue
        pairs.add((u, v))
        if not case["directed"]:
            pairs.add((v, u))
    return sorted(pairs), counted


def _entropy(counts) -> float:
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts if c > 0)


def _information_ratio(joint: dict) -> float:
    """Return I(row; column) / H(row) of a joint table given as {(row, column): mass}."""
    total = sum(joint.values())
    rows, columns = Counter(), Counter()
    for (k, l), mass in joint.items():
        rows[k] += mass
        columns[l] += mass
    if total == 0 or sum(1 for mass in rows.values() if mass > 0) < 2:
        return math.nan
    info = _entropy(rows.values()) + _entropy(columns.values())
    info -= _entropy(joint.values())
    return info / _entropy(rows.values())


def _expected_information(counts_a, counts_b) -> float:
    """Return E[I] under a random pairing, from exact hypergeometric probabilities."""
    n = sum(counts_a)
    total = 0.0
    for a in counts_a:
        for b in counts_b:
            for k in range(max(1, a + b - n), min(a, b) + 1):
                p = math.comb(b, k) * math.comb(n - b, a - k) / math.comb(n, a)
                total += k / n * math.log(n * k / (a * b)) * p
    return total


def _reference(case: dict) -> dict:
    pairs, counted = _kept_pairs(case)
    y = case["y"]
    c = max(y) + 1
    neighbours = defaultdict(list)
    for u, v in pairs:
        neighbours[v].append(u)

    local = {
        v: sum(y[u] == y[v] for u in neighbours[v]) / len(neighbours[v])
        for v in range(case["n"])
        if counted[v] and neighbours[v]
    }
    if case["isolated"] == "zero":
        node_values = [local.get(v, 0.0) for v in range(case["n"]) if counted[v]]
    else:
        node_values = list(local.values())

    joint = Counter((y[v], y[u]) for u, v in pairs)
    node_joint = Counter()
    for u, v in pairs:
        node_joint[(y[v], y[u])] += 1 / len(neighbours[v])

    class_nodes = Counter(y[v] for v in range(case["n"]) if counted[v])
    insensitive = math.nan
    if pairs and c >= 2:
        insensitive = 0.0
        for k in range(c):
            into = sum(mass for (target, _), mass in joint.items() if target == k)
            h_k = joint[(k, k)] / into if into else 0.0
            insensitive += max(0.0, h_k - class_nodes[k] / sum(counted))
        insensitive /= c - 1

    adjusted = h_edge = math.nan
    if pairs:
        h_edge = sum(y[u] == y[v] for u, v in pairs) / len(pairs)
        end_class_products = [
            sum(y[v] == k for _, v in pairs) * sum(y[u] == k for u, _ in pairs)
            for k in range(c)
        ]
        chance = sum(end_class_products) / len(pairs) ** 2
        adjusted = (h_edge - chance) / (1 - chance) if chance < 1 else math.nan

    h_node = sum(node_values) / len(node_values) if node_values else math.nan
    num_edges = len(pairs)
    if not case["directed"]:
        num_edges = len({tuple(sorted(pair)) for pair in pairs})
    return {
        "edge_homophily": h_edge,
        "node_homophily": h_node,
        "class_insensitive_homophily": insensitive,
        "adjusted_homophily": adjusted,
        "edge_label_informativeness": _information_ratio(joint),
        "node_label_informativeness": _information_ratio(node_joint),
        "nic": _reference_nic(case, neighbours, counted),
        "num_edges": num_edges,
    }


def _reference_nic(case: dict, neighbours, counted) -> float:
    y, bins = case["y"], case["bins"]
    labels, symbols = [], []
    for v in range(case["n"]):
        if not counted[v]:
            continue
        reached, frontier = {v}, [v]
        for _ in range(case["hops"]):
            frontier = [u for w in frontier for u in neighbours[w] if u not in reached]
            reached.update(frontier)
        histogram = Counter(y[u] for u in reached - {v})
        size = sum(histogram.values())
        if size == 0:
            continue
        counts = [histogram[k] for k in range(max(y) + 1)]
        if bins is not None:
            counts = [
                math.floor(Fraction(bins * x, size) + Fraction(1, 2)) for x in counts
            ]
        labels.append(y[v])
        symbols.append(tuple(counts))
    if not labels:
        return math.nan
    label_counts = list(Counter(labels).values())
    symbol_counts = list(Counter(symbols).values())
    info = _entropy(label_counts) + _entropy(symbol_counts)
    info -= _entropy(Counter(zip(labels, symbols)).values())
    baseline = _expected_information(symbol_counts, label_counts)
    denominator = _entropy(label_counts) - baseline
    return (info - baseline) / denominator if denominator > 1e-12 else math.nan


@pytest.mark.parametrize("seed", range(2))
def test_measures_match_loop_reference(seed, monkeypatch):
    rng = random.Random(seed)
    for _ in range(NUM_CASES):
        case = _random_case(rng)
        _, counted = _kept_pairs(case)
        if not any(counted):
            continue
        # A limit of 0 sends every graph down the path without the [N, C] table.
        limit = graph_module.DENSE_COUNTS_MIN_ENTRIES if case["dense"] else 0
        monkeypatch.setattr(graph_module, "DENSE_COUNTS_MIN_ENTRIES", limit)
        edges = torch.tensor(case["edges"], dtype=torch.int64).view(-1, 2)
        edge_index = edges.t().contiguous()
        if case["int32_transposed"]:
            edge_index = edges.int().t()  # non-contiguous view
        mask = None if case["mask"] is None else torch.tensor(case["mask"])
        options = MeasureOptions(
            directed=case["directed"],
            self_loops=case["self_loops"],
            isolated=case["isolated"],
        )
        graph = build_labelled_graph(
            edge_index, torch.tensor(case["y"]), node_mask=mask, options=options
        )
        nic_options = NICOptions(bins=case["bins"], hops=case["hops"])
        summary = summarize_graph(graph, nic_options=nic_options)
        expected = _reference(case)
        assert summary.num_edges == expected.pop("num_edges"), case
        for key, value in expected.items():
            want = pytest.approx(value, abs=1e-9, nan_ok=True)
            assert summary.measures[key] == want, (key, case)
