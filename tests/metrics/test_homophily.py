"""Homophily measures on tiny graphs with values worked out by hand."""

from __future__ import annotations

import logging
import math

import pytest
import torch
from torch_geometric.utils import homophily as pyg_homophily

from graphkit.metrics import (
    MeasureOptions,
    adjusted_homophily,
    build_labelled_graph,
    class_compatibility,
    class_insensitive_homophily,
    edge_homophily,
    local_homophily,
    node_homophily,
)

# Undirected 5-node graph: edges 0-1, 1-2, 2-3, 3-4, 2-4; classes 0 = {0, 1},
# 1 = {2, 3, 4}. Same-class edges: 0-1, 2-3, 3-4, 2-4 (4 of 5).
# Neighbours: 0:{1} 1:{0,2} 2:{1,3,4} 3:{2,4} 4:{2,3}.
EDGES = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 4, 4]])
Y = torch.tensor([0, 0, 1, 1, 1])


def test_edge_homophily_hand_value():
    assert edge_homophily(EDGES, Y) == pytest.approx(4 / 5)


def test_edge_homophily_exact_in_float64():
    # One same-class edge of three: the float32 quotient 0.3333333432674408 differs.
    edges = torch.tensor([[0, 1, 2], [1, 2, 3]])
    assert edge_homophily(edges, torch.tensor([0, 0, 1, 0])) == 1 / 3


def test_edge_homophily_ignores_edge_order_and_duplicates():
    doubled = torch.cat([EDGES, EDGES.flip(0), EDGES], dim=1)
    assert edge_homophily(doubled, Y) == pytest.approx(4 / 5)


def test_node_homophily_hand_value():
    # Per node: 1/1, 1/2, 2/3, 2/2, 2/2.
    expected = (1 + 1 / 2 + 2 / 3 + 1 + 1) / 5
    assert node_homophily(EDGES, Y) == pytest.approx(expected)


def test_local_homophily_per_node():
    graph = build_labelled_graph(EDGES, Y)
    values = local_homophily(graph)
    torch.testing.assert_close(
        values, torch.tensor([1, 1 / 2, 2 / 3, 1, 1], dtype=torch.float64)
    )


def test_class_insensitive_hand_value():
    # Class 0: degree sum 3, same-class ends 2, share of nodes 2/5.
    # Class 1: degree sum 7, same-class ends 6, share of nodes 3/5.
    expected = max(0, 2 / 3 - 2 / 5) + max(0, 6 / 7 - 3 / 5)
    assert class_insensitive_homophily(EDGES, Y) == pytest.approx(expected)


def test_class_insensitive_clamps_negative_classes():
    # Path 0-1-2 with classes 0, 1, 0: class 0 has h_0 = 0 < p_0 = 2/3,
    # class 1 has h_1 = 0 < 1/3, so both terms clamp to 0.
    edges = torch.tensor([[0, 1], [1, 2]])
    assert class_insensitive_homophily(edges, torch.tensor([0, 1, 0])) == 0.0


def test_adjusted_homophily_hand_value():
    # Degree-weighted class shares: 3/10 and 7/10.
    chance = (3 / 10) ** 2 + (7 / 10) ** 2
    expected = (4 / 5 - chance) / (1 - chance)
    assert adjusted_homophily(EDGES, Y) == pytest.approx(expected)


def test_adjusted_homophily_perfect_and_bipartite():
    square = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    alternating = torch.tensor([0, 1, 0, 1])
    assert adjusted_homophily(square, alternating) == pytest.approx(-1.0)
    two_edges = torch.tensor([[0, 2], [1, 3]])
    assert adjusted_homophily(two_edges, torch.tensor([0, 0, 1, 1])) == pytest.approx(
        1.0
    )


def test_class_compatibility_hand_matrix():
    expected = torch.tensor([[2 / 3, 1 / 3], [1 / 7, 6 / 7]], dtype=torch.float64)
    torch.testing.assert_close(class_compatibility(EDGES, Y), expected)


def test_class_compatibility_class_without_edges_is_nan():
    matrix = class_compatibility(torch.tensor([[0], [1]]), torch.tensor([0, 0, 1]))
    assert matrix[0].tolist() == [1.0, 0.0]
    assert torch.isnan(matrix[1]).all()


def test_self_loops_removed_by_default():
    with_loops = torch.cat([EDGES, torch.tensor([[2, 3], [2, 3]])], dim=1)
    assert edge_homophily(with_loops, Y) == pytest.approx(4 / 5)
    # Kept: two more same-class edges, each stored once.
    assert edge_homophily(with_loops, Y, self_loops=True) == pytest.approx(10 / 12)


def test_directed_uses_in_neighbours():
    # 0 -> 1, 2 -> 1, 1 -> 3: node 1 has in-neighbours {0, 2}, node 3 has {1}.
    edges = torch.tensor([[0, 2, 1], [1, 1, 3]])
    y = torch.tensor([0, 0, 1, 0])
    assert edge_homophily(edges, y, directed=True) == pytest.approx(2 / 3)
    # Node 1: 1/2 same, node 3: 1/1; nodes 0 and 2 have no in-neighbour.
    assert node_homophily(edges, y, directed=True) == pytest.approx(3 / 4)
    assert node_homophily(edges, y, directed=True, isolated="zero") == pytest.approx(
        3 / 8
    )


def test_isolated_nodes_excluded_or_zero():
    y = torch.cat([Y, torch.tensor([1])])  # node 5 has no edge
    assert node_homophily(EDGES, y) == pytest.approx(node_homophily(EDGES, Y))
    expected_zero = (1 + 1 / 2 + 2 / 3 + 1 + 1 + 0) / 6
    assert node_homophily(EDGES, y, isolated="zero") == pytest.approx(expected_zero)


def test_mask_keeps_induced_subgraph():
    # Without node 2 the graph is 0-1 and 3-4, both same-class.
    mask = torch.tensor([True, True, False, True, True])
    assert edge_homophily(EDGES, Y, node_mask=mask) == 1.0
    assert node_homophily(EDGES, Y, node_mask=mask) == 1.0


def test_unlabelled_nodes_not_counted():
    y = Y.clone()
    y[2] = -1
    mask = torch.tensor([True, True, False, True, True])
    assert edge_homophily(EDGES, y) == edge_homophily(EDGES, Y, node_mask=mask)


def test_prebuilt_graph_rejects_options():
    graph = build_labelled_graph(EDGES, Y)
    assert edge_homophily(graph) == pytest.approx(4 / 5)
    with pytest.raises(ValueError, match="already fixes"):
        edge_homophily(graph, directed=True)


def test_invalid_inputs_raise():
    with pytest.raises(
        ValueError, match=r"contains node ids in \[0, 4\] but there are 3 labels"
    ):
        edge_homophily(EDGES, torch.tensor([0, 1, 0]))
    with pytest.raises(ValueError, match="integer dtype"):
        edge_homophily(EDGES, Y.float())
    with pytest.raises(ValueError, match="no node is counted"):
        edge_homophily(EDGES, torch.full((5,), -1))
    with pytest.raises(ValueError, match="isolated must be"):
        node_homophily(EDGES, Y, isolated="drop")


def test_no_edges_gives_nan():
    empty = torch.empty(2, 0, dtype=torch.long)
    assert math.isnan(edge_homophily(empty, Y))
    assert math.isnan(node_homophily(empty, Y))
    assert math.isnan(class_insensitive_homophily(empty, Y))
    assert math.isnan(adjusted_homophily(empty, Y))


def test_class_insensitive_uncounted_edges_nan():
    # Edges exist, but each one touches node 4, whose label -1 leaves it uncounted.
    edges = torch.tensor([[0, 4, 1], [4, 2, 4]])
    y = torch.tensor([0, 1, 0, 1, -1])
    assert math.isnan(class_insensitive_homophily(edges, y))


def _random_graph(seed: int, n: int = 60, e: int = 300, classes: int = 4):
    gen = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, n, (2, e), generator=gen)
    y = torch.randint(0, classes, (n,), generator=gen)
    return edge_index, y


@pytest.mark.parametrize("seed", range(5))
def test_matches_pyg_on_random_graphs(seed):
    """PyG reads edge_index as given, so compare on the graph this package builds."""
    edge_index, y = _random_graph(seed)
    for directed in (False, True):
        graph = build_labelled_graph(
            edge_index, y, options=MeasureOptions(directed=directed, isolated="zero")
        )
        built = torch.stack([graph.src, graph.dst])
        assert edge_homophily(graph) == pytest.approx(
            pyg_homophily(built, y, method="edge")
        )
        assert node_homophily(graph) == pytest.approx(
            pyg_homophily(built, y, method="node")
        )
        assert class_insensitive_homophily(graph) == pytest.approx(
            pyg_homophily(built, y, method="edge_insensitive")
        )


def _dense_reference(edge_index, y, mask, directed):
    """Edge, node, class-insensitive and adjusted homophily with Python loops."""
    n = y.numel()
    counted = [bool(mask[v]) and int(y[v]) >= 0 for v in range(n)]
    pairs = set()
    for u, v in edge_index.t().tolist():
        if u == v or not (counted[u] and counted[v]):
            continue
        pairs.add((u, v))
        if not directed:
            pairs.add((v, u))
    pairs = sorted(pairs)
    same = [int(y[u]) == int(y[v]) for u, v in pairs]
    h_edge = sum(same) / len(pairs)
    neighbours = {v: [u for u, w in pairs if w == v] for v in range(n)}
    local = [
        sum(int(y[u]) == int(y[v]) for u in neighbours[v]) / len(neighbours[v])
        for v in range(n)
        if counted[v] and neighbours[v]
    ]
    classes = int(y.max()) + 1
    nodes = [v for v in range(n) if counted[v]]
    insensitive = 0.0
    for k in range(classes):
        ends = [s for (u, v), s in zip(pairs, same) if int(y[v]) == k]
        h_k = sum(ends) / len(ends) if ends else 0.0
        p_k = sum(int(y[v]) == k for v in nodes) / len(nodes)
        insensitive += max(0.0, h_k - p_k)
    chance = sum(
        (sum(int(y[v]) == k for _, v in pairs) / len(pairs))
        * (sum(int(y[u]) == k for u, _ in pairs) / len(pairs))
        for k in range(classes)
    )
    return {
        "edge": h_edge,
        "node": sum(local) / len(local),
        "insensitive": insensitive / (classes - 1),
        "adjusted": (h_edge - chance) / (1 - chance),
    }


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_matches_loop_reference_with_mask(seed, directed):
    edge_index, y = _random_graph(seed, n=30, e=120)
    gen = torch.Generator().manual_seed(100 + seed)
    mask = torch.rand(30, generator=gen) < 0.8
    y[0] = -1  # one unlabelled node
    reference = _dense_reference(edge_index, y, mask, directed)
    kwargs = {"node_mask": mask, "directed": directed}
    assert edge_homophily(edge_index, y, **kwargs) == pytest.approx(reference["edge"])
    assert node_homophily(edge_index, y, **kwargs) == pytest.approx(reference["node"])
    assert class_insensitive_homophily(edge_index, y, **kwargs) == pytest.approx(
        reference["insensitive"]
    )
    assert adjusted_homophily(edge_index, y, **kwargs) == pytest.approx(
        reference["adjusted"]
    )


@pytest.mark.parametrize("directed", [False, True])
def test_sparse_path_matches_dense_path(directed, monkeypatch):
    """Graphs with a large N x C table skip it; both paths must agree."""
    from graphkit.metrics import graph as graph_module
    from graphkit.metrics import node_label_informativeness

    edge_index, y = _random_graph(7, n=200, e=300, classes=6)
    y[3] = -1
    options = MeasureOptions(directed=directed)
    dense = build_labelled_graph(edge_index, y, options=options)
    assert dense.uses_dense_counts  # evaluated and cached before the patch
    monkeypatch.setattr(graph_module, "DENSE_COUNTS_MIN_ENTRIES", 0)
    sparse = build_labelled_graph(edge_index, y, options=options)
    assert not sparse.uses_dense_counts
    assert torch.equal(dense.in_degree, sparse.in_degree)
    assert torch.equal(dense.same_class_in_degree, sparse.same_class_in_degree)
    assert torch.equal(dense.class_pair_counts, sparse.class_pair_counts)
    assert node_label_informativeness(dense) == pytest.approx(
        node_label_informativeness(sparse)
    )


# DGL's convention: edges as given (neighbours are predecessors), a node without
# predecessors counts as 0 in node homophily.
DGL_OPTIONS = MeasureOptions(directed=True, self_loops=True, isolated="zero")
DGL_LABELS = torch.tensor([0, 0, 0, 0, 1])


def test_dgl_documented_examples():
    """Match the example outputs in DGL's API docs.

    https://www.dgl.ai/dgl_docs/generated/dgl.edge_homophily.html gives 0.75,
    dgl.node_homophily.html 0.6 and dgl.linkx_homophily.html 0.2 (the last two printed
    in float32).
    """
    edges = torch.tensor([[1, 2, 0, 4], [0, 1, 2, 3]])
    graph = build_labelled_graph(edges, DGL_LABELS, options=DGL_OPTIONS)
    assert edge_homophily(graph) == pytest.approx(0.75)
    assert node_homophily(graph) == pytest.approx(0.6)
    linkx_edges = torch.tensor([[0, 1, 2, 3], [1, 2, 0, 4]])
    graph = build_labelled_graph(linkx_edges, DGL_LABELS, options=DGL_OPTIONS)
    assert class_insensitive_homophily(graph) == pytest.approx(0.2, abs=1e-7)


def test_adjusted_matches_dgl_documented_example():
    """Match the docstring example of dgl.adjusted_homophily (python/dgl/homophily.py).

    DGL makes the graph undirected first (``dgl.to_bidirected``), as the default here
    does, and prints -0.1428571492433548 (float32). By hand: the triangle 0-1-2 and
    the edge 3-4 give h_edge = 3/4, the degree-weighted class shares are 7/8 and 1/8,
    so h_adj = (3/4 - 50/64) / (1 - 50/64) = -1/7.
    """
    edges = torch.tensor([[1, 2, 0, 4], [0, 1, 2, 3]])
    assert adjusted_homophily(edges, DGL_LABELS) == pytest.approx(-1 / 7)


def test_num_classes_equal_to_largest_label_rejected():
    # Labels 0 and 1 need num_classes >= 2, so the boundary value 1 is one short.
    with pytest.raises(
        ValueError, match=r"num_classes=1 but the largest label is 1; pass num_classes >= 2"
    ):
        class_compatibility(EDGES, Y, num_classes=1)


def test_edge_id_equal_to_node_count_rejected():
    # Node ids run from 0 to 4 for five labels, so id 5 is the first invalid one.
    edges = torch.tensor([[0, 5], [1, 2]])
    with pytest.raises(
        ValueError, match=r"node ids in \[0, 5\] but there are 5 labels \(valid ids 0..4\)"
    ):
        edge_homophily(edges, Y)


def test_adjusted_single_class_ends_warns(caplog):
    # Node 2 has class 1 but no edge, so every edge end has class 0 and chance is 1.
    edges = torch.tensor([[0], [1]])
    with caplog.at_level(logging.WARNING, logger="graphkit.metrics"):
        value = adjusted_homophily(edges, torch.tensor([0, 0, 1]))
    assert math.isnan(value)
    assert "every edge end has the same class" in caplog.text


def test_one_class_with_unlabelled_node():
    # Label -1 must not be read as a class id, even where only class 0 exists.
    edges = torch.tensor([[0, 1], [1, 2]])
    y = torch.tensor([0, 0, -1])
    assert node_homophily(edges, y) == 1.0
    assert local_homophily(build_labelled_graph(edges, y)).tolist()[:2] == [1.0, 1.0]


def test_class_insensitive_directed_groups_by_target():
    # Edges 0 -> 1 and 2 -> 1, classes 0 0 1, class shares 2/3 and 1/3.
    edges = torch.tensor([[0, 2], [1, 1]])
    y = torch.tensor([0, 0, 1])
    # By target, as PyG: class 0 receives one same-class edge of two, 1/2 < 2/3.
    assert class_insensitive_homophily(edges, y, directed=True) == 0.0
    assert pyg_homophily(edges, y, method="edge_insensitive") == 0.0
    # By source, as Lim et al.'s reference code: class 0 sends one edge, same class,
    # so (1 - 2/3) / (C - 1) = 1/3.
    reversed_value = class_insensitive_homophily(edges.flip(0), y, directed=True)
    assert reversed_value == pytest.approx(1 / 3)
