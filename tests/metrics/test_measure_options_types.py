"""MeasureOptions rejects conventions that are not booleans."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphkit.metrics import MeasureOptions, node_homophily


@pytest.mark.parametrize("name", ["directed", "self_loops"])
@pytest.mark.parametrize("value", ["false", "no", 1, None])
def test_non_bool_convention_rejected(name, value):
    with pytest.raises(TypeError) as error:
        MeasureOptions(**{name: value})
    assert f"{name} must be True or False, got {value!r}" in str(error.value)


def test_string_false_rejected_not_directed():
    # Triangle 0 -> 1, 0 -> 2, 1 -> 2 with labels 0, 1, 1: undirected, node 0 has two
    # neighbours of the other class (h = 0) and nodes 1 and 2 one of each (h = 1/2).
    # Directed, node 1 has in-neighbour 0 (h = 0) and node 2 in-neighbours 0 and 1.
    edge_index = torch.tensor([[0, 0, 1], [1, 2, 2]])
    y = torch.tensor([0, 1, 1])
    # The string "false" is truthy, so accepting it would give the directed value.
    with pytest.raises(TypeError):
        node_homophily(edge_index, y, directed="false")
    assert node_homophily(edge_index, y, directed=False) == pytest.approx(1 / 3)
    assert node_homophily(edge_index, y, directed=True) == pytest.approx(0.25)


def test_numpy_bool_accepted():
    options = MeasureOptions(directed=np.bool_(True), self_loops=np.bool_(False))
    assert options.directed is True
    assert options.self_loops is False
