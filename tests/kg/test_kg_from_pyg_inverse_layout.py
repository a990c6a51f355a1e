"""KnowledgeGraph.from_pyg(has_inverse=True) checks that inverse types are r + R."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import KnowledgeGraph


def ultra_layout(facts, num_relations):
    heads, relations, tails = torch.tensor(facts).unbind(1)
    return Data(
        edge_index=torch.stack([torch.cat([heads, tails]), torch.cat([tails, heads])]),
        edge_type=torch.cat([relations, relations + num_relations]),
        num_nodes=3,
        num_relations=2 * num_relations,
    )


def test_ultra_layout_accepted():
    facts = [[0, 0, 1], [1, 1, 2], [0, 0, 1]]  # duplicates keep their count
    kg = KnowledgeGraph.from_pyg(ultra_layout(facts, 2), has_inverse=True)
    assert kg.triples.tolist() == facts


def test_interleaved_inverse_types_rejected():
    # PyKEEN-style ids: relation r is 2r and its inverse 2r + 1.
    data = Data(
        edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]),
        edge_type=torch.tensor([0, 1, 2, 3]),
        num_nodes=3,
    )
    with pytest.raises(ValueError, match=r"inverse edge \(t, h\) of type r \+ 2"):
        KnowledgeGraph.from_pyg(data, has_inverse=True)


def test_missing_inverse_edge_rejected():
    data = ultra_layout([[0, 0, 1], [1, 1, 2]], 2)
    data.edge_index = data.edge_index[:, :3]
    data.edge_type = data.edge_type[:3]
    with pytest.raises(ValueError, match="2 fact edges and 1 inverse edges"):
        KnowledgeGraph.from_pyg(data, has_inverse=True)


def test_empty_graph_with_inverse_flag():
    data = Data(
        edge_index=torch.zeros(2, 0, dtype=torch.long),
        edge_type=torch.zeros(0, dtype=torch.long),
        num_nodes=2,
        num_relations=2,
    )
    kg = KnowledgeGraph.from_pyg(data, has_inverse=True)
    assert kg.num_facts == 0
    assert kg.num_relations == 1
