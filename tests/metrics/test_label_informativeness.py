"""Label informativeness on tiny graphs, with the information sums written out."""

from __future__ import annotations

import math

import pytest
import torch

from graphkit.metrics import edge_label_informativeness, node_label_informativeness

# Same graph as test_homophily: edges 0-1, 1-2, 2-3, 3-4, 2-4; classes 0 0 1 1 1.
EDGES = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 4, 4]])
Y = torch.tensor([0, 0, 1, 1, 1])


def _ratio(joint: list[list[float]]) -> float:
    """I(row; column) / H(row) of a 2x2 joint table, written out term by term."""
    total = sum(sum(row) for row in joint)
    p = [[value / total for value in row] for row in joint]
    rows = [p[0][0] + p[0][1], p[1][0] + p[1][1]]
    cols = [p[0][0] + p[1][0], p[0][1] + p[1][1]]
    info = sum(
        p[i][j] * math.log(p[i][j] / (rows[i] * cols[j]))
        for i in range(2)
        for j in range(2)
        if p[i][j] > 0
    )
    return info / -sum(r * math.log(r) for r in rows)


def test_edge_li_hand_value():
    # Ordered edges by (target class, neighbour class): 2, 1 / 1, 6 out of 10.
    assert edge_label_informativeness(EDGES, Y) == pytest.approx(
        _ratio([[2, 1], [1, 6]])
    )


def test_edge_li_closed_form():
    p = [0.2, 0.1, 0.1, 0.6]
    degree_share = [0.3, 0.7]
    closed = 2 - sum(v * math.log(v) for v in p) / sum(
        v * math.log(v) for v in degree_share
    )
    assert edge_label_informativeness(EDGES, Y) == pytest.approx(closed)


def test_node_li_hand_value():
    # Each node spreads weight 1 over its neighbours:
    # node 0 -> [0,0] 1; node 1 -> [0,0] 1/2, [0,1] 1/2; node 2 -> [1,0] 1/3, [1,1] 2/3;
    # nodes 3 and 4 -> [1,1] 1 each.
    joint = [[1 + 1 / 2, 1 / 2], [1 / 3, 2 / 3 + 2]]
    assert node_label_informativeness(EDGES, Y) == pytest.approx(_ratio(joint))


def test_li_is_one_when_neighbour_fixes_label():
    # Bipartite with classes on the two sides: the neighbour's class gives the label.
    edges = torch.tensor([[0, 0, 1, 1], [2, 3, 2, 3]])
    y = torch.tensor([0, 0, 1, 1])
    assert edge_label_informativeness(edges, y) == pytest.approx(1.0)
    assert node_label_informativeness(edges, y) == pytest.approx(1.0)


def test_li_near_zero_for_random_labels():
    gen = torch.Generator().manual_seed(0)
    edges = torch.randint(0, 5000, (2, 50000), generator=gen)
    y = torch.randint(0, 3, (5000,), generator=gen)
    assert abs(edge_label_informativeness(edges, y)) < 0.005
    assert abs(node_label_informativeness(edges, y)) < 0.005


def test_li_directed_uses_target_entropy():
    # 0 -> 2, 1 -> 2, 1 -> 3: targets are class 1 only, so H(target) = 0 -> NaN.
    edges = torch.tensor([[0, 1, 1], [2, 2, 3]])
    y = torch.tensor([0, 0, 1, 1])
    assert math.isnan(edge_label_informativeness(edges, y, directed=True))
    # Undirected, the same edges join the two classes only: LI = 1.
    assert edge_label_informativeness(edges, y) == pytest.approx(1.0)


def test_node_li_one_target_class_is_nan():
    # 0 -> 3, 1 -> 0, 1 -> 3, 2 -> 3: both targets, 0 and 3, have class 1, so
    # H(y_xi) = 0. Node 3's weights 1/3 + 1/3 + 1/3 once gave class 1 a share of
    # 1 - 1e-16, which made LI = 2.0 instead of NaN.
    edges = torch.tensor([[0, 1, 1, 2], [3, 0, 3, 3]])
    y = torch.tensor([1, 0, 2, 1])
    assert math.isnan(node_label_informativeness(edges, y, directed=True))


# The example graph in the docstrings of DGL's python/dgl/label_informativeness.py:
# edges 0-1, 1-2, 2-0, 2-3, 3-4, 4-5, made undirected. Classes 0 = {0, 1, 2, 3}
# and 1 = {4, 5}.
DGL_EDGES = torch.tensor([[0, 1, 2, 2, 3, 4], [1, 2, 0, 3, 4, 5]])
DGL_LABELS = torch.tensor([0, 0, 0, 0, 1, 1])


def test_edge_li_matches_dgl_documented_example():
    """Match the docstring example of dgl.edge_label_informativeness.

    It prints 0.2517760099956565 (0.25177597999572754 in DGL's float32 version).
    DGL adds 1e-8 to every joint probability, which moves the value by about 6e-8.
    """
    # Ordered edges by class pair: (0, 0) 8, (0, 1) 1, (1, 0) 1, (1, 1) 2, of 12.
    assert edge_label_informativeness(DGL_EDGES, DGL_LABELS) == pytest.approx(
        _ratio([[8, 1], [1, 2]])
    )
    assert edge_label_informativeness(DGL_EDGES, DGL_LABELS) == pytest.approx(
        0.2517760099956565, abs=1e-6
    )


def test_node_li_differs_from_dgl_documented_example():
    """Pin the exact node LI of DGL's example graph: 0.3109, where DGL prints 0.3382.

    DGL's node_label_informativeness takes the degree-weighted class shares
    (3/4, 1/4 here) as the neighbour marginal, while the neighbour of a uniform node
    has class shares 2/3, 1/3, the column sums of the joint below.
    """
    # Nodes 0, 1 and 2 have only class-0 neighbours. Nodes 3 and 4 have one
    # neighbour of each class, and node 5 has one class-1 neighbour.
    joint = [[3 + 1 / 2, 1 / 2], [1 / 2, 1 / 2 + 1]]
    value = node_label_informativeness(DGL_EDGES, DGL_LABELS)
    assert value == pytest.approx(_ratio(joint))
    assert value == pytest.approx(0.3108949061, abs=1e-9)
