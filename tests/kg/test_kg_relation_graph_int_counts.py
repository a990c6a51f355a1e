"""relation_graph_tensors stores its counts as ints, whatever integer type they had."""

import numpy as np
import torch

from graphkit.kg.relation_graph import relation_graph_tensors

EDGES = torch.tensor([[0, 1, 2, 2], [1, 2, 0, 3]])
TYPES = torch.tensor([0, 1, 0, 1])


def test_tensor_or_numpy_count_stored_as_int():
    # The relation graph has one node per edge type, so num_types becomes its
    # num_nodes.
    for num_types in (torch.tensor(2), np.int64(2)):
        graph = relation_graph_tensors(EDGES, TYPES, torch.tensor(4), num_types)
        assert type(graph.num_nodes) is int
        assert graph.num_nodes == 2
