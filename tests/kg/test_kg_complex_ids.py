"""Complex id tensors raise, since a cast to int64 keeps only their real parts."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import KnowledgeGraph, Ultra, filtered_ranks
from graphkit.kg.model import fact_graph

NAMES = ["a", "b", "c"]
RELATIONS = ["r", "s"]
TRIPLES = torch.tensor([[0, 0, 1], [1, 1, 2]])


def test_complex_triples_rejected():
    # A cast to int64 keeps only the real parts, which are valid ids of other facts.
    triples = TRIPLES.to(torch.complex64) + 1j
    with pytest.raises(TypeError, match=r"integer dtype, got torch\.complex64"):
        KnowledgeGraph(triples, NAMES, RELATIONS)


def test_complex_pyg_edge_type_rejected():
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]]),
        edge_type=torch.tensor([0, 1], dtype=torch.complex64),
        num_nodes=3,
    )
    with pytest.raises(TypeError, match=r"data\.edge_type must have an integer dtype"):
        KnowledgeGraph.from_pyg(data)


def test_complex_forward_sources_rejected():
    torch.manual_seed(0)
    graph = fact_graph(KnowledgeGraph(TRIPLES, NAMES, RELATIONS))
    model = Ultra(dim=8, num_layers=1)
    sources = torch.tensor([0], dtype=torch.complex64)
    with pytest.raises(TypeError, match=r"sources must be integer entity ids"):
        model(graph, sources, torch.tensor([1]))


def test_complex_answers_rejected():
    scores = torch.tensor([[0.1, 0.9, 0.5]])
    known = torch.zeros(1, 3, dtype=torch.bool)
    answers = torch.tensor([2 + 1j])
    with pytest.raises(TypeError, match=r"answers must be integer entity ids"):
        filtered_ranks(scores, answers, known)
    # Entity 2 scores 0.5, and only entity 1 scores higher.
    assert filtered_ranks(scores, torch.tensor([2]), known).tolist() == [2]
