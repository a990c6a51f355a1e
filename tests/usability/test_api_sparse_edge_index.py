"""LocalGraph names the fix when given a sparse adjacency in place of edge_index."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph

# The edges 0 -> 1 and 1 -> 0 of a 2-node graph, as an adjacency A[i, j] for i -> j.
EDGES = torch.tensor([[0, 1], [1, 0]])


@pytest.mark.parametrize("layout", ["coo", "csr"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.long])
def test_sparse_adjacency_rejected(layout, dtype):
    adj = torch.sparse_coo_tensor(EDGES, torch.ones(2, dtype=dtype), (2, 2))
    if layout == "csr":
        adj = adj.to_sparse_csr()
    # Unchecked, a long [2, 2] adjacency passed the shape check as two edges.
    with pytest.raises(TypeError) as error:
        LocalGraph(adj, 2)
    assert str(error.value).startswith(
        "edge_index must be a dense [2, E] tensor of (source, target) ids, got a "
        f"sparse tensor of shape [2, 2] (layout {adj.layout})."
    )


@pytest.mark.parametrize("layout", ["coo", "csr"])
def test_suggested_indices_build_graph(layout):
    adj = torch.sparse_coo_tensor(EDGES, torch.ones(2), (2, 2))
    if layout == "csr":
        adj = adj.to_sparse_csr()
    graph = LocalGraph(adj.to_sparse_coo().coalesce().indices(), 2)
    out = graph.aggregate(torch.tensor([[1.0], [10.0]]), "sum")
    assert out.flatten().tolist() == [10.0, 1.0]
