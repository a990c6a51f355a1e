"""A HeteroData gets an error that names it and the conversion, wherever a Data goes.

A HeteroData keeps its edges per edge type. Without the check, LocalGraph.from_data
and partition_payloads would report "data.edge_index is missing", and the graph
measures "y (one label per node) is required with an edge_index".
"""

import pytest
import torch
from graphkit.distributed import partition_payloads
from graphkit.graph import LocalGraph
from graphkit.metrics import edge_homophily, nic
from torch_geometric.data import Data, HeteroData

MESSAGE = (
    r"expected a PyG Data with one node and edge type, got a HeteroData with node "
    r"types \['paper'\] and edge types \[\('paper', 'cites', 'paper'\)\]. Convert it "
    r"with data.to_homogeneous\(\)"
)
CALLS = {
    "LocalGraph.from_data": LocalGraph.from_data,
    "edge_homophily": edge_homophily,
    "nic": nic,
    "partition_payloads": lambda data: next(
        partition_payloads(data, torch.tensor([0, 0, 1]), 2)
    ),
}


def _hetero():
    data = HeteroData()
    data["paper"].x = torch.randn(3, 2)
    data["paper"].y = torch.tensor([0, 1, 0])
    data["paper", "cites", "paper"].edge_index = torch.tensor([[0, 1], [1, 2]])
    return data


@pytest.mark.parametrize("name", sorted(CALLS))
def test_hetero_data_rejected(name):
    with pytest.raises(TypeError, match=MESSAGE):
        CALLS[name](_hetero())


def test_converted_data_accepted():
    data = _hetero().to_homogeneous()
    assert isinstance(data, Data)
    graph = LocalGraph.from_data(data)
    assert graph.aggregate(torch.ones(3, 1)).flatten().tolist() == [0.0, 1.0, 1.0]
    assert edge_homophily(data) == 0.0
