"""Easy-edge removal and strict negatives on graphs with very many entities."""

import pytest
import torch

from graphkit.kg.evaluate import AnswerIndex
from graphkit.kg.model import FactGraph
from graphkit.kg.train import sample_negatives, without_easy_edges


def fact_graph_of(edges: list[tuple[int, int, int]], num_entities: int) -> FactGraph:
    """Build a one-relation fact graph from ``(source, type, target)`` edges."""
    columns = torch.tensor(edges).T
    return FactGraph(columns[[0, 2]], columns[1], num_entities, 1, None)


@pytest.mark.parametrize("num_entities", [10, 2**32])
def test_easy_edges_removed_exactly(num_entities):
    # With 2**32 entities, (source * 2R + type) * V + target wraps around 2**64, so
    # sources 5 and 5 + 2**31 would get the same number.
    other = 5 + 2**31 if num_entities > 10 else 6
    edges = [(5, 0, 7), (7, 1, 5), (other, 0, 7), (7, 1, other), (5, 0, 8)]
    graph = fact_graph_of(edges, num_entities)
    reduced = without_easy_edges(graph, torch.tensor([[5, 0, 7]]))
    kept = torch.stack(
        [reduced.edge_index[0], reduced.edge_type, reduced.edge_index[1]]
    ).T.tolist()
    assert kept == [[other, 0, 7], [7, 1, other], [5, 0, 8]]


def test_strict_negatives_beyond_multinomial_limit():
    # torch.multinomial accepts at most 2**24 categories.
    num_entities = 2**24 + 3
    triples = torch.tensor([[0, 0, 1], [0, 0, num_entities - 1]])
    known = AnswerIndex.build(triples, num_relations=1)
    negatives = sample_negatives(
        torch.tensor([0, 1]),
        torch.tensor([0, 1]),
        num_entities,
        64,
        known,
        torch.Generator().manual_seed(0),
    )
    assert negatives.shape == (2, 64)
    # (0, r, ?) has the answers 1 and V - 1, and (1, r^-1, ?) has the answer 0.
    assert not torch.isin(negatives[0], torch.tensor([1, num_entities - 1])).any()
    assert not (negatives[1] == 0).any()
    assert negatives.max() < num_entities
