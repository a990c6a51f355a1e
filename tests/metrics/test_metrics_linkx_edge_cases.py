"""Class-insensitive homophily with no same-class edge, an edgeless class or one class.

NOTE: DGL's ``linkx_homophily`` is believed to fail on these inputs (not verified here).
"""

from __future__ import annotations

import math

import torch

from graphkit.metrics import class_insensitive_homophily


def test_fully_heterophilous_graph_gives_zero():
    # 4-cycle with alternating classes: h_0 = h_1 = 0 < 1/2, so every term clips to 0.
    edges = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    assert class_insensitive_homophily(edges, torch.tensor([0, 1, 0, 1])) == 0.0


def test_class_without_edges_adds_nothing():
    # Edge 0-1 inside class 0 (h_0 = 1, share 2/3) and node 2 of class 1 isolated
    # (h_1 = 0, share 1/3): (1/3 + 0) / (C - 1) = 1/3.
    edges = torch.tensor([[0], [1]])
    value = class_insensitive_homophily(edges, torch.tensor([0, 0, 1]))
    assert math.isclose(value, 1 / 3)


def test_single_class_is_nan():
    edges = torch.tensor([[0, 1], [1, 0]])
    assert math.isnan(class_insensitive_homophily(edges, torch.tensor([0, 0])))
