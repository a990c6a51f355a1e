"""build_relation_graph rejects node and type counts that are not whole numbers."""

import numpy as np
import pytest
import torch

from graphkit.kg import build_relation_graph

EDGES = torch.tensor([[0, 1], [1, 2]])
TYPES = torch.tensor([0, 1])


@pytest.mark.parametrize(
    "num_nodes, num_types, message",
    [
        # Without the check, 3.5 fails inside torch.sparse_coo_tensor, naming nothing.
        (3.5, 2, r"num_nodes=3\.5 is invalid"),
        # True would pass as 1 type and blame edge_type instead.
        (3, True, r"num_types=True is invalid"),
        (-1, 2, r"num_nodes=-1 is invalid"),
    ],
)
def test_invalid_counts_rejected(num_nodes, num_types, message):
    with pytest.raises(ValueError, match=message):
        build_relation_graph(EDGES, TYPES, num_nodes, num_types)


def test_numpy_counts_accepted():
    graph = build_relation_graph(EDGES, TYPES, np.int64(3), 2)
    assert graph.num_nodes == 2
