"""Labels {0, 2}, where class 1 has no node, keep each class aligned with its counts."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import (
    adjusted_homophily,
    class_insensitive_homophily,
    edge_label_informativeness,
)

# Undirected path 0-1-2-3. Nodes 0 and 1 have class 0, nodes 2 and 3 class 2.
EDGES = torch.tensor([[0, 1, 2], [1, 2, 3]])
Y_GAP = torch.tensor([0, 0, 2, 2])
Y_DENSE = torch.tensor([0, 0, 1, 1])


def test_class_insensitive_with_absent_class():
    # Class 0: degree sum 3, same-class ends 2, node share 2/4, so 2/3 - 1/2 = 1/6.
    # Class 1 has no node and adds 0. Class 2 mirrors class 0 and adds 1/6.
    # C = 3 (largest label plus one), so the sum 1/3 is divided by C - 1 = 2.
    assert class_insensitive_homophily(EDGES, Y_GAP) == pytest.approx(1 / 6)


@pytest.mark.parametrize("measure", [adjusted_homophily, edge_label_informativeness])
def test_absent_class_id_does_not_change_measure(measure):
    assert measure(EDGES, Y_GAP) == pytest.approx(measure(EDGES, Y_DENSE))
