"""The graph measures accept a PyG Data in place of edge_index and y."""

import pytest
import torch
from graphkit.metrics import adjusted_homophily, edge_homophily, nic
from torch_geometric.data import Data

# Edges 0-1 and 2-3 join equal labels, 1-2 joins different ones.
EDGE_INDEX = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
Y = torch.tensor([0, 0, 1, 1])


def test_edge_homophily_of_data():
    assert edge_homophily(Data(edge_index=EDGE_INDEX, y=Y)) == pytest.approx(2 / 3)


@pytest.mark.parametrize("measure", [adjusted_homophily, edge_homophily, nic])
def test_data_equals_tensors(measure):
    assert measure(Data(edge_index=EDGE_INDEX, y=Y)) == measure(EDGE_INDEX, Y)


def test_data_without_labels_named():
    with pytest.raises(ValueError, match="data.y is missing"):
        edge_homophily(Data(edge_index=EDGE_INDEX, num_nodes=4))


def test_data_with_extra_labels_rejected():
    with pytest.raises(ValueError, match="pass a Data object alone"):
        edge_homophily(Data(edge_index=EDGE_INDEX, y=Y), Y)
