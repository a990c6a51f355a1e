"""Raw label ids with large gaps (0 and 100000) get an error instead of a huge table."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import class_insensitive_homophily, edge_homophily, nic

# Undirected path 0-1-2-3 with two classes written as raw ids 0 and 100000.
EDGES = torch.tensor([[0, 1, 2], [1, 2, 3]])
Y_RAW = torch.tensor([0, 100000, 100000, 0])


@pytest.mark.parametrize("measure", [edge_homophily, nic])
def test_raw_label_ids_error(measure):
    # C = 100001 would need a 10^10-entry class-pair table (about 75 GiB).
    with pytest.raises(ValueError) as error:
        measure(EDGES, Y_RAW)
    message = str(error.value)
    assert "the labels give C = 100001 classes (largest label 100000)" in message
    assert "only 2 distinct labels occur" in message
    assert "torch.searchsorted" in message


def test_suggested_renumbering_gives_the_measure():
    y = torch.where(Y_RAW >= 0, torch.searchsorted(Y_RAW[Y_RAW >= 0].unique(), Y_RAW), -1)
    assert y.tolist() == [0, 1, 1, 0]
    # Edges 0-1 and 2-3 join classes 0 and 1, edge 1-2 stays in class 1: h = 1/3.
    assert edge_homophily(EDGES, y) == pytest.approx(1 / 3)


def test_renumbering_keeps_unlabelled_nodes():
    y_raw = torch.tensor([0, 100000, -1, 0])
    y = torch.where(y_raw >= 0, torch.searchsorted(y_raw[y_raw >= 0].unique(), y_raw), -1)
    assert y.tolist() == [0, 1, -1, 0]


def test_small_gaps_are_still_accepted():
    # Class ids 0 and 5 (C = 6, four classes absent) keep the PyG convention.
    y = torch.tensor([0, 5, 5, 0])
    assert edge_homophily(EDGES, y) == pytest.approx(1 / 3)


def test_large_num_classes_named():
    # Labels 0 and 1 with num_classes=10000: a 10^8-entry table for two classes.
    with pytest.raises(ValueError) as error:
        class_insensitive_homophily(EDGES, torch.tensor([0, 1, 1, 0]), num_classes=10000)
    message = str(error.value)
    assert "num_classes=10000 gives C = 10000 classes (largest label 1)" in message
    assert "leave num_classes unset" in message
