"""KnowledgeGraph rejects a name list given as one string."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra

TRIPLES = torch.tensor([[0, 0, 1], [1, 1, 2]])


def test_string_as_name_list_rejected():
    # "abc" would otherwise name the entities "a", "b" and "c".
    with pytest.raises(TypeError, match=r"entity_names must be a list of names"):
        KnowledgeGraph(TRIPLES, "abc", ["r", "s"])
    with pytest.raises(TypeError, match=r"relation_names must be a list of names"):
        KnowledgeGraph(TRIPLES, ["a", "b", "c"], "rs")


def test_tuple_of_names_predicts():
    torch.manual_seed(0)
    kg = KnowledgeGraph(TRIPLES, ("a", "b", "c"), ["r", "s"])
    answers = Ultra(dim=8, num_layers=1).predict(kg, head="a", relation="r", k=3)
    assert sorted(name for name, _ in answers) == ["a", "b", "c"]
