"""KnowledgeGraph.from_pyg rejects edge types outside data.num_relations."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import KnowledgeGraph

NEGATIVE_TYPE_MESSAGE = (
    "data.edge_type contains the type -1, but edge types are relation ids, which "
    "are at least 0. Number the relations from 0"
)


def three_edges(types, num_relations):
    return Data(
        edge_index=torch.tensor([[0, 1, 2], [1, 2, 0]]),
        edge_type=torch.tensor(types),
        num_nodes=3,
        num_relations=num_relations,
    )


@pytest.mark.parametrize("has_inverse", [False, True])
def test_type_above_num_relations_rejected(has_inverse):
    # Type 3 lies outside [0, data.num_relations) = [0, 2). Without the check, the
    # facts would keep only the lower types and drop type 3 silently.
    data = three_edges([0, 1, 3], 2)
    with pytest.raises(
        ValueError, match=r"contains the type 3, but types must lie in \[0, 2\)"
    ):
        KnowledgeGraph.from_pyg(data, has_inverse=has_inverse)


def test_negative_type_named():
    # Setting data.num_relations cannot fix a negative type, so the message does not
    # ask for it.
    data = three_edges([0, -1, 1], 2)
    with pytest.raises(ValueError) as caught:
        KnowledgeGraph.from_pyg(data)
    assert str(caught.value) == NEGATIVE_TYPE_MESSAGE


def test_types_within_num_relations_kept():
    # data.num_relations may exceed the types in use, as for a relation without facts.
    kg = KnowledgeGraph.from_pyg(three_edges([0, 1, 1], 3))
    assert kg.triples.tolist() == [[0, 0, 1], [1, 1, 2], [2, 1, 0]]
    assert kg.num_relations == 3


def test_odd_type_count_names_num_relations():
    # Relations 0 and 1 of R = 3 have the inverses 3 and 4, and relation 2 has no
    # edges. Without data.num_relations, the largest type plus 1 gives 5 types.
    data = Data(
        edge_index=torch.tensor([[0, 1, 1, 2], [1, 2, 0, 1]]),
        edge_type=torch.tensor([0, 1, 3, 4]),
        num_nodes=3,
    )
    with pytest.raises(ValueError, match="found 5 \\(the largest edge type plus 1"):
        KnowledgeGraph.from_pyg(data, has_inverse=True)
    data.num_relations = 6
    kg = KnowledgeGraph.from_pyg(data, has_inverse=True)
    assert kg.triples.tolist() == [[0, 0, 1], [1, 1, 2]]
    assert kg.num_relations == 3


def test_negative_type_without_num_relations():
    # Without data.num_relations the count comes from the largest type, so only a
    # negative type is out of range, and setting num_relations would not fix it.
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]]),
        edge_type=torch.tensor([0, -1]),
        num_nodes=3,
    )
    with pytest.raises(ValueError) as caught:
        KnowledgeGraph.from_pyg(data)
    assert str(caught.value) == NEGATIVE_TYPE_MESSAGE
