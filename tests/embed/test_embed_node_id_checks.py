"""The edge-list entry points of graphkit.embed share one node-id check."""

import pytest
import torch

from graphkit.embed.leaves import SparseMatrix
from graphkit.embed.linkpred import sample_non_edges, unique_undirected_edges
from graphkit.embed.wys import symmetric_adjacency

BUILDERS = {
    "from_edge_index": lambda edges, n: SparseMatrix.from_edge_index(edges, n),
    "symmetric_adjacency": symmetric_adjacency,
    "unique_undirected_edges": unique_undirected_edges,
    "sample_non_edges": lambda edges, n: sample_non_edges(
        edges, n, 1, torch.Generator().manual_seed(0)
    ),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_float_num_nodes_rejected(name):
    # 2.5 * low + high gives no unique pair key, so a float count must not pass.
    edges = torch.tensor([[0, 1], [1, 2]])
    with pytest.raises(TypeError, match=r"num_nodes must be an int, got 2\.5"):
        BUILDERS[name](edges, 2.5)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_negative_id_rejected(name):
    edges = torch.tensor([[0, -1], [1, 2]])
    with pytest.raises(ValueError, match=r"in \[0, 3\), found -1\. Remove negative"):
        BUILDERS[name](edges, 3)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_id_past_num_nodes_rejected(name):
    edges = torch.tensor([[0, 1], [1, 3]])
    with pytest.raises(ValueError, match=r"in \[0, 3\), found 3\. Raise num_nodes"):
        BUILDERS[name](edges, 3)
