"""Rows that are not (head, relation, tail) triples fail with a message naming them."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import KGFormatError, KnowledgeGraph, Ultra


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])


@pytest.mark.parametrize("row", [("a", "r"), ("a", "r", "b", "c"), "arb"])
def test_from_named_triples_rejects_row(row):
    with pytest.raises(KGFormatError, match=r"<triples>:2: expected a \(head"):
        KnowledgeGraph.from_named_triples([("a", "r", "b"), row])


@pytest.mark.parametrize("row", [("a", "r"), ("a", "r", "b", "c"), "arb"])
def test_encode_names_source_and_line(kg, row):
    with pytest.raises(KGFormatError, match=r"q\.tsv:7: expected a \(head"):
        kg.encode([row], "q.tsv", [7])


def test_predict_rejects_short_query(kg):
    model = Ultra(dim=4, num_layers=1)
    with pytest.raises(ValueError, match=r"query 1 \('a', 'r'\) must be a \(head"):
        model.predict(kg, queries=[("a", "r", None), ("a", "r")])


def test_from_pyg_rejects_column_edge_type():
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 0]]),
        edge_type=torch.tensor([[0], [1]]),
        num_nodes=2,
    )
    with pytest.raises(ValueError, match=r"edge_type must have shape \(num_edges,\)"):
        KnowledgeGraph.from_pyg(data)


def test_from_pyg_rejects_missing_edge_index():
    data = Data(edge_type=torch.tensor([0, 1]), num_nodes=3)
    with pytest.raises(ValueError, match="data has no edge_index"):
        KnowledgeGraph.from_pyg(data)


def test_from_pyg_accepts_int32_edge_index():
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]], dtype=torch.int32),
        edge_type=torch.tensor([0, 1]),
        num_nodes=3,
    )
    kg = KnowledgeGraph.from_pyg(data)
    assert kg.triples.dtype == torch.long
    assert kg.triples.tolist() == [[0, 0, 1], [1, 1, 2]]
