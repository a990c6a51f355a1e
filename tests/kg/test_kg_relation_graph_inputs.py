"""build_relation_graph rejects ids past the counts and non-integer tensors."""

from __future__ import annotations

import pytest
import torch

from graphkit.kg import build_relation_graph

EDGES = torch.tensor([[0, 1], [1, 2]])
TYPES = torch.tensor([0, 1])


def test_node_id_past_num_nodes():
    with pytest.raises(ValueError) as error:
        build_relation_graph(EDGES, TYPES, 2, 2)
    assert str(error.value) == (
        "edge_index contains the id 2, but num_nodes=2 allows ids in [0, 2) only. "
        "Pass num_nodes=3 or more, or renumber the ids"
    )


def test_type_past_num_types():
    with pytest.raises(ValueError) as error:
        build_relation_graph(EDGES, TYPES, 3, 1)
    message = str(error.value)
    assert message.startswith("edge_type contains the id 1, but num_types=1")
    assert "Pass num_types=2 or more" in message


def test_negative_node_id():
    with pytest.raises(ValueError, match="edge_index contains the negative id -1"):
        build_relation_graph(torch.tensor([[0, -1], [1, 2]]), TYPES, 3, 2)


def test_negative_type():
    with pytest.raises(ValueError, match="edge_type contains the negative id -3"):
        build_relation_graph(EDGES, torch.tensor([0, -3]), 3, 2)


def test_float_edge_index():
    with pytest.raises(TypeError, match="edge_index must have an integer dtype"):
        build_relation_graph(EDGES.float(), TYPES, 3, 2)


def test_float_edge_type():
    with pytest.raises(TypeError, match="edge_type must have an integer dtype"):
        build_relation_graph(EDGES, TYPES.float(), 3, 2)


def test_edge_type_length_mismatch():
    with pytest.raises(ValueError, match=r"edge_type must have shape \[2\]"):
        build_relation_graph(EDGES, torch.tensor([0, 1, 1]), 3, 2)


def test_valid_int32_input():
    # Edge 0 -> 1 of type 0 and 1 -> 2 of type 1 share node 1 as tail and head.
    graph = build_relation_graph(EDGES.int(), TYPES.int(), 3, 2)
    assert graph.edge_index.tolist() == [[0, 1, 0, 1, 1, 0], [0, 1, 0, 1, 0, 1]]
    assert graph.edge_type.tolist() == [0, 0, 1, 1, 2, 3]
