"""The graph measures accept a PyG Data in place of edge_index and y."""

import pytest
import torch
from graphkit.metrics import adjusted_homophily, edge_homophily, nic, node_homophily
from torch_geometric.data import Data
from torch_geometric.transforms import ToSparseTensor

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


def test_data_with_adj_t_equals_tensors():
    # PyG's ToSparseTensor replaces edge_index by adj_t, whose rows are the targets.
    # Edges 0 -> 1, 0 -> 2 and 1 -> 2 with labels 0, 0, 1 give 0.5 as stored and 0.25
    # with every edge reversed, so the test distinguishes the two directions.
    edge_index = torch.tensor([[0, 0, 1], [1, 2, 2]])
    y = torch.tensor([0, 0, 1])
    data = ToSparseTensor()(Data(edge_index=edge_index, y=y, num_nodes=3))
    assert "edge_index" not in data
    expected = node_homophily(edge_index, y, directed=True)
    assert expected == 0.5
    assert node_homophily(data, directed=True) == expected


def test_sparse_matrix_as_edge_index_named():
    adj = torch.sparse_coo_tensor(EDGE_INDEX, torch.ones(6), (4, 4))
    with pytest.raises(TypeError, match="sparse adjacency matrix"):
        edge_homophily(adj, Y)


def test_data_without_edges_named():
    with pytest.raises(ValueError, match="data.edge_index is missing"):
        edge_homophily(Data(y=Y, num_nodes=4))


def test_weighted_adj_t_warns(caplog):
    weight = torch.tensor([0.5, 0.5, 2.0, 2.0, 1.0, 1.0])
    data = ToSparseTensor()(Data(edge_index=EDGE_INDEX, edge_weight=weight, y=Y))
    assert "edge_weight" not in data
    assert edge_homophily(data) == edge_homophily(EDGE_INDEX, Y)
    assert "the edge weights in data.adj_t are ignored" in caplog.text


def test_edge_weight_warns(caplog):
    data = Data(edge_index=EDGE_INDEX, edge_weight=torch.rand(6), y=Y)
    assert edge_homophily(data) == edge_homophily(EDGE_INDEX, Y)
    assert "the edge weights in data.edge_weight are ignored" in caplog.text


def test_unweighted_adj_t_quiet(caplog):
    data = ToSparseTensor()(Data(edge_index=EDGE_INDEX, y=Y))
    assert edge_homophily(data) == edge_homophily(EDGE_INDEX, Y)
    assert "ignored" not in caplog.text
