"""Complex edge_index or labels raise, since a cast to int64 drops the imaginary part."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import edge_homophily

# The path 0-1-2-3 with classes 0 0 1 1: edges {0,1} and {2,3} join one class,
# so edge homophily is 2/3.
EDGES = torch.tensor([[0, 1, 2], [1, 2, 3]])
Y = torch.tensor([0, 0, 1, 1])


def test_complex_labels_rejected():
    # A cast to int64 keeps only the real parts 0 0 1 1 and measures those labels.
    labels = Y.to(torch.complex64) + 1j * torch.tensor([1.0, 0.0, 1.0, 0.0])
    with pytest.raises(
        ValueError, match=r"y must have an integer dtype, got torch\.complex64"
    ):
        edge_homophily(EDGES, labels)


def test_complex_edge_index_rejected():
    edges = EDGES.to(torch.complex64) + 1j
    with pytest.raises(TypeError, match=r"integer dtype, got torch\.complex64"):
        edge_homophily(edges, Y)


def test_integer_inputs_still_accepted():
    assert edge_homophily(EDGES, Y) == pytest.approx(2 / 3)
    assert edge_homophily(EDGES.int(), Y.to(torch.uint8)) == pytest.approx(2 / 3)
