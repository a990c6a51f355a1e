"""LocalGraph.from_data reads the adj_t that PyG's ToSparseTensor writes."""

import logging

import pytest
import torch
import torch_geometric.transforms as T
from graphkit.graph import LocalGraph
from torch_geometric.data import Data

# Directed edges 0 -> 1, 0 -> 2, 1 -> 2, 3 -> 0, so a wrong direction changes sums.
EDGE_INDEX = torch.tensor([[0, 0, 1, 3], [1, 2, 2, 0]])
X = torch.tensor([[1.0], [10.0], [100.0], [1000.0]])


def test_adj_t_sum_direction():
    data = T.ToSparseTensor()(Data(x=X, edge_index=EDGE_INDEX))
    graph = LocalGraph.from_data(data)
    out = graph.aggregate(X, "sum")
    assert out.flatten().tolist() == [1000.0, 1.0, 11.0, 0.0]


def test_adj_t_weights_warn(caplog):
    weight = torch.tensor([1.0, 2.0, 1.0, 1.0])
    data = T.ToSparseTensor()(Data(x=X, edge_index=EDGE_INDEX, edge_weight=weight))
    with caplog.at_level(logging.WARNING, logger="graphkit.graph"):
        LocalGraph.from_data(data)
    assert "data.edge_weight is ignored" in caplog.text


def test_adj_t_unweighted_silent(caplog):
    data = T.ToSparseTensor()(Data(x=X, edge_index=EDGE_INDEX))
    with caplog.at_level(logging.WARNING, logger="graphkit.graph"):
        LocalGraph.from_data(data)
    assert caplog.text == ""


def test_dense_adj_t_rejected():
    data = Data(x=X, adj_t=torch.zeros(4, 4))
    with pytest.raises(TypeError, match=r"data.adj_t must be a sparse tensor, got Tensor"):
        LocalGraph.from_data(data)


class _CooOnly:
    """The part of torch_sparse.SparseTensor that from_data reads: coo()."""

    def __init__(self, row, col):
        self.row, self.col = row, col

    def coo(self):
        return self.row, self.col, None


def test_sparse_tensor_coo_read():
    adj_t = _CooOnly(EDGE_INDEX[1], EDGE_INDEX[0])
    graph = LocalGraph.from_data(Data(x=X, adj_t=adj_t))
    out = graph.aggregate(X, "sum")
    assert out.flatten().tolist() == [1000.0, 1.0, 11.0, 0.0]
