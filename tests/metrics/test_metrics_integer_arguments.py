"""Integer arguments of the measures: NumPy integers pass, bools and floats raise."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from graphkit.metrics import class_insensitive_homophily, nic

# Edges 0-1, 1-2, 2-3, 3-4 and 2-4, with classes 0 0 1 1 1.
EDGES = torch.tensor([[0, 1, 2, 3, 2], [1, 2, 3, 4, 4]])
Y = torch.tensor([0, 0, 1, 1, 1])


@pytest.mark.parametrize("name", ["bins", "hops"])
def test_nic_numpy_integer_accepted(name):
    expected = nic(EDGES, Y, **{name: 2})
    assert nic(EDGES, Y, **{name: np.int64(2)}) == expected


@pytest.mark.parametrize("name", ["bins", "hops"])
def test_nic_bool_rejected(name):
    with pytest.raises(ValueError, match=f"{name} must be a positive integer.*True"):
        nic(EDGES, Y, **{name: True})


def test_num_classes_numpy_integer():
    # h_0 = 2/3 (p_0 = 2/5) and h_1 = 6/7 (p_1 = 3/5). With C = 3 the sum of
    # max(0, h_k - p_k) is divided by C - 1 = 2.
    value = class_insensitive_homophily(EDGES, Y, num_classes=np.int64(3))
    assert value == pytest.approx(11 / 42)


@pytest.mark.parametrize("value", [3.0, "3", True])
def test_num_classes_non_integer_rejected(value):
    message = re.escape(f"num_classes must be an integer, got {value!r}")
    with pytest.raises(TypeError, match=message):
        class_insensitive_homophily(EDGES, Y, num_classes=value)
