"""Weighted self-loops and repeated pairs of an edge list become one edge each."""

from __future__ import annotations

from graphkit.datasets import load_edge_list

# Pair (0, 1) with weights 1 and 2, pair (1, 0) with weight 3, and the self-loop
# (0, 0) twice, with weights 4 and 2.
MULTIGRAPH = "0 1 1\n0 1 2\n1 0 3\n0 0 4\n0 0 2\n"


def test_undirected_loop_weight_not_doubled(tmp_path):
    """Scenario of https://github.com/igraph/igraph/issues/1814: making a weighted
    multigraph undirected must merge repeated loops and pairs without counting a loop
    twice."""
    edges = tmp_path / "edges.txt"
    edges.write_text(MULTIGRAPH)
    data = load_edge_list(edges)
    assert data.edge_index.tolist() == [[0, 0, 1], [0, 1, 0]]
    # The loop gets the mean (4 + 2) / 2. Both directions of {0, 1} get the mean of
    # all three weights, (1 + 2 + 3) / 3.
    assert data.edge_weight.tolist() == [3.0, 2.0, 2.0]


def test_directed_repeated_loop_weight_is_mean(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text(MULTIGRAPH)
    data = load_edge_list(edges, undirected=False)
    assert data.edge_index.tolist() == [[0, 0, 1], [0, 1, 0]]
    assert data.edge_weight.tolist() == [3.0, 1.5, 3.0]


def test_single_loop_graph_keeps_its_edge(tmp_path):
    """Scenario of https://github.com/Bears-R-Us/arkouda-njit/issues/130: a one-node
    graph with one self-loop has one edge, and the loop keeps its weight."""
    edges = tmp_path / "edges.txt"
    edges.write_text("0 0 1.5\n")
    data = load_edge_list(edges)
    assert data.num_nodes == 1
    assert data.edge_index.tolist() == [[0], [0]]
    assert data.edge_weight.tolist() == [1.5]
