"""Measures reject sparse labels, and labels or edges on the meta device."""

import pytest
import torch

from graphkit.metrics import edge_homophily

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
Y = torch.tensor([0, 0, 1])


def test_dense_labels_reference():
    # Edges 0-1 join class 0 to class 0 and edges 1-2 join classes 0 and 1, so 2 of 4 agree.
    assert edge_homophily(EDGE_INDEX, Y) == pytest.approx(0.5)


@pytest.mark.parametrize("y", [Y.to_sparse(), Y.view(-1, 1).to_sparse()])
def test_sparse_labels_rejected(y):
    with pytest.raises(TypeError, match="y must be a dense tensor, got layout torch.sparse_coo"):
        edge_homophily(EDGE_INDEX, y)


def test_meta_labels_rejected():
    with pytest.raises(ValueError, match="y is on the meta device"):
        edge_homophily(EDGE_INDEX, Y.to("meta"))


def test_meta_edges_rejected():
    with pytest.raises(ValueError, match="edge_index is on the meta device"):
        edge_homophily(EDGE_INDEX.to("meta"), Y)
