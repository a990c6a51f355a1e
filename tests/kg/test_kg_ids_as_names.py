"""Ids passed where the API expects names get an error that names the mix-up."""

import pytest
import torch

from graphkit.kg import KGFormatError, KnowledgeGraph, Ultra


def graph():
    return KnowledgeGraph.from_named_triples([("Paris", "capital_of", "France")])


def test_integer_entity_named():
    with pytest.raises(
        KeyError,
        match=(
            r"entity 0 \(int\) is not in the graph, "
            r"whose entity names are strings, such as 'Paris'"
        ),
    ):
        graph().entity_id(0)


def test_integer_relation_named():
    with pytest.raises(
        KeyError,
        match=r"relation 0 \(int\) is not in the graph, .*kg.relation_names\[i\]",
    ):
        graph().relation_id(0)


def test_score_with_id_triples_rejected():
    model = Ultra(dim=8, num_layers=1)
    with pytest.raises(
        KGFormatError, match=r"<triples>:1: entity 0 \(int\) is not in the graph"
    ):
        model.score(graph(), [[0, 0, 1]])


def test_integer_names_still_found():
    # A graph whose name lists contain ints still finds them by value.
    kg = KnowledgeGraph(torch.tensor([[0, 0, 1]]), [10, 11], [5])
    assert kg.entity_id(11) == 1
    assert kg.relation_id(5) == 0
