"""The ULTRA forward pass rejects ids that indexing would wrap to other entities."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra
from graphkit.kg.model import fact_graph


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(0)
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "s", "c")])
    return Ultra(dim=8, num_layers=1), fact_graph(kg)


def test_valid_ids_score_all_entities(setup):
    model, graph = setup
    logits = model(graph, torch.tensor([0, 2]), torch.tensor([1, 3]))
    assert logits.shape == (2, 3)


@pytest.mark.parametrize(
    "sources, query_index, candidates, message",
    [
        ([-1], [0], None, r"sources must be entity ids in \[0, 3\), found -1"),
        ([3], [0], None, r"sources must be entity ids in \[0, 3\), found 3"),
        ([0], [-1], None, r"query_index must be relation ids in \[0, 4\), found -1"),
        ([0], [4], None, r"query_index must be relation ids in \[0, 4\), found 4"),
        ([0], [0], [[0, -1]], r"candidates must be entity ids in \[0, 3\), found -1"),
    ],
)
def test_out_of_range_ids_rejected(setup, sources, query_index, candidates, message):
    model, graph = setup
    if candidates is not None:
        candidates = torch.tensor(candidates)
    with pytest.raises(ValueError, match=message):
        model(graph, torch.tensor(sources), torch.tensor(query_index), candidates)


def test_float_sources_rejected(setup):
    model, graph = setup
    with pytest.raises(TypeError, match="sources must be integer entity ids"):
        model(graph, torch.tensor([0.0]), torch.tensor([0]))
