"""NumPy arrays of edges, labels and masks give the values of the same tensors."""

import numpy as np
import pytest
import torch

from graphkit.metrics import adjusted_homophily, edge_homophily, nic

# The path 0 - 1 - 2 - 3 has labels 0, 0, 1, 1. Of its 3 undirected edges, {0, 1} and
# {2, 3} join nodes of one class, so the edge homophily is 2 / 3.
EDGES = np.array([[0, 1, 2], [1, 2, 3]])
LABELS = np.array([0, 0, 1, 1])


def test_edge_homophily_of_arrays():
    assert edge_homophily(EDGES, LABELS) == pytest.approx(2 / 3)


def test_arrays_of_other_integer_types():
    value = edge_homophily(EDGES.astype(np.int32), LABELS.astype(np.uint8))
    assert value == pytest.approx(2 / 3)


def test_node_mask_array():
    # Node 3 is not counted, so only {0, 1} and {1, 2} remain, one of them homophilous.
    mask = np.array([True, True, True, False])
    assert edge_homophily(EDGES, LABELS, node_mask=mask) == pytest.approx(1 / 2)


def test_arrays_equal_tensors():
    tensors = (torch.from_numpy(EDGES), torch.from_numpy(LABELS))
    assert adjusted_homophily(EDGES, LABELS) == adjusted_homophily(*tensors)
    assert nic(EDGES, LABELS) == nic(*tensors)


def test_string_label_array_rejected():
    labels = np.array(["a", "a", "b", "b"])
    with pytest.raises(TypeError, match=r"y must contain numbers.*np\.unique"):
        edge_homophily(EDGES, labels)
