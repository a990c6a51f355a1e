"""LocalGraph and the layers reject malformed inputs with errors that name the input."""

from __future__ import annotations

import copy

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.nn import EdgeConv, GATConv, GCNConv, SAGEConv

EDGE_INDEX = torch.tensor([[0, 1, 1, 2, 3], [1, 0, 2, 1, 0]])


def _graph() -> LocalGraph:
    return LocalGraph(EDGE_INDEX, 5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bool])
def test_edge_index_non_integer_rejected(dtype):
    with pytest.raises(
        TypeError, match=f"edge_index must have an integer dtype.*{dtype}"
    ):
        LocalGraph(EDGE_INDEX.to(dtype), 5)


def test_edge_index_not_tensor_rejected():
    with pytest.raises(TypeError, match="edge_index must be a torch.Tensor.*list"):
        LocalGraph([[0, 1], [1, 0]], 2)


def test_negative_num_nodes_rejected():
    with pytest.raises(
        ValueError, match="num_nodes must be a non-negative whole number, got -1"
    ):
        LocalGraph(torch.zeros(2, 0, dtype=torch.long), -1)


def test_edge_attr_row_count_checked():
    with pytest.raises(
        ValueError, match=r"edge_attr has 3 rows but edge_index has 5 edges"
    ):
        LocalGraph(EDGE_INDEX, 5, edge_attr=torch.randn(3, 2))


def test_from_data_without_edge_index():
    with pytest.raises(ValueError) as caught:
        LocalGraph.from_data(Data(x=torch.randn(3, 2)))
    assert str(caught.value) == (
        "data.edge_index is missing, and so is data.adj_t. Set edge_index to a [2, E] "
        "tensor of (source, target) ids, or to torch.empty(2, 0, dtype=torch.long) "
        "for no edges"
    )


@pytest.mark.parametrize("rows", [4, 6])
def test_propagate_checks_rows(rows):
    layer = EdgeConv(torch.nn.Linear(8, 3))
    with pytest.raises(
        ValueError, match=f"x has {rows} rows but the graph has 5 nodes"
    ):
        layer(torch.randn(rows, 4), _graph())


@pytest.mark.parametrize("rows", [4, 6])
def test_gat_checks_rows(rows):
    layer = GATConv(4, 3, heads=2)
    with pytest.raises(ValueError, match=f"has {rows} rows but the graph has 5 nodes"):
        layer(torch.randn(rows, 4), _graph())


def test_attend_checks_destination_scores():
    graph = _graph()
    value, score = torch.randn(5, 2, 3), torch.randn(5, 2)
    with pytest.raises(ValueError, match=r"score_dst has 4 rows but the graph has 5"):
        graph.attend(value, score, score[:4])
    with pytest.raises(
        ValueError, match=r"score_dst must have shape \[5, 2\], got \[5, 3\]"
    ):
        graph.attend(value, score, torch.randn(5, 3))


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_aggregate_integer_features_rejected(reduce):
    x = torch.ones(5, 2, dtype=torch.long)
    with pytest.raises(
        TypeError, match="x must be a floating-point tensor.*torch.int64"
    ):
        _graph().aggregate(x, reduce)


def test_gcn_aggregate_integer_features_rejected():
    with pytest.raises(
        TypeError, match="x must be a floating-point tensor.*torch.int64"
    ):
        _graph().gcn_aggregate(torch.ones(5, 2, dtype=torch.long))


def test_scalar_features_rejected():
    with pytest.raises(
        ValueError, match=r"x must have one row per node.*got shape \[\]"
    ):
        _graph().aggregate(torch.tensor(1.0))


def test_sage_unknown_aggr_rejected_at_construction():
    with pytest.raises(ValueError, match="aggr must be one of.*got 'avg'"):
        SAGEConv(4, 3, aggr="avg")


@pytest.mark.parametrize("heads", [0, -1])
def test_gat_heads_checked(heads):
    with pytest.raises(ValueError, match=f"heads must be at least 1, got {heads}"):
        GATConv(4, 3, heads=heads)


@pytest.mark.parametrize("dropout", [-0.1, 1.5])
def test_gat_dropout_checked(dropout):
    with pytest.raises(
        ValueError, match=f"dropout must lie in \\[0, 1\\], got {dropout}"
    ):
        GATConv(4, 3, dropout=dropout)


def test_graph_deepcopy_after_use():
    graph = _graph()
    x = torch.randn(5, 4)
    expected = GCNConv(4, 3)
    out = expected(x, graph)
    clone = copy.deepcopy(graph)
    torch.testing.assert_close(expected(x, clone), out)


def test_device_mismatch_named():
    # The meta device replaces a GPU here, so the test also runs on CPU-only machines.
    x = torch.empty(5, 4, device="meta")
    with pytest.raises(ValueError, match="x is on meta but the graph is on cpu"):
        _graph().aggregate(x)


def test_from_data_warns_about_edge_weight(caplog):
    data = Data(edge_index=EDGE_INDEX, edge_weight=torch.rand(5), num_nodes=5)
    with caplog.at_level("WARNING", logger="graphkit.graph"):
        LocalGraph.from_data(data)
    assert "data.edge_weight is ignored" in caplog.text
