"""KnowledgeGraph and Ultra reject malformed ids and run in float64."""

from __future__ import annotations

import re

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import KnowledgeGraph, Ultra

ENTITIES = ["a", "b", "c", "d"]
RELATIONS = ["r0", "r1"]
TRIPLES = torch.tensor([[0, 0, 1], [1, 1, 2], [2, 0, 3]])


def _graph() -> KnowledgeGraph:
    return KnowledgeGraph(TRIPLES, ENTITIES, RELATIONS)


@pytest.mark.parametrize(
    "triples, shape",
    [
        (TRIPLES.t()[:, :2], [3, 2]),  # (3, T): facts stored as columns
        (TRIPLES.flatten()[:6], [6]),
        (torch.zeros(3, 4, dtype=torch.long), [3, 4]),
    ],
)
def test_triples_shape_checked(triples, shape):
    with pytest.raises(
        ValueError, match=re.escape(f"triples must have shape (T, 3), got {shape}")
    ):
        KnowledgeGraph(triples, ENTITIES, RELATIONS)


def test_float_triples_rejected():
    with pytest.raises(TypeError, match="triples must have an integer dtype"):
        KnowledgeGraph(TRIPLES.float() + 0.5, ENTITIES, RELATIONS)


def test_empty_triples_accepted():
    assert KnowledgeGraph([], ENTITIES, RELATIONS).triples.shape == (0, 3)


@pytest.mark.parametrize("field", ["edge_index", "edge_type"])
def test_from_pyg_float_ids_rejected(field):
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]]), edge_type=torch.tensor([0, 1])
    )
    data[field] = data[field].float() + 0.5
    with pytest.raises(TypeError, match=f"data.{field} must have an integer dtype"):
        KnowledgeGraph.from_pyg(data)


@pytest.mark.parametrize("k", [0, -1])
def test_predict_k_checked(k):
    model = Ultra(dim=8, num_layers=1)
    with pytest.raises(ValueError, match=f"k must be at least 1, got {k}"):
        model.predict(_graph(), head="a", relation="r0", k=k)


def test_predict_integer_anchor_rejected():
    model = Ultra(dim=8, num_layers=1)
    with pytest.raises(TypeError, match="head must be a name .* got int"):
        model.predict(_graph(), head=0, relation="r0")


def test_score_transposed_ids_rejected():
    model = Ultra(dim=8, num_layers=1)
    with pytest.raises(
        ValueError, match=r"triples must have shape \(T, 3\), got \[3, 2\]"
    ):
        model.score(_graph(), TRIPLES.t()[:, :2])


def test_score_float64_matches_float32():
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2).eval()
    expected = model.score(_graph(), [("a", "r0", "b"), ("b", "r1", "c")])
    model.double()
    out = model.score(_graph(), [("a", "r0", "b"), ("b", "r1", "c")])
    assert out.dtype == torch.float64
    torch.testing.assert_close(out.float(), expected, rtol=1e-5, atol=1e-5)


def test_batch_size_checked():
    model = Ultra(dim=8, num_layers=1)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        model.predict(_graph(), head="a", relation="r0", batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        model.score(_graph(), [("a", "r0", "b")], batch_size=0)
