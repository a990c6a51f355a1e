"""Triples edited after a KnowledgeGraph is built are checked before ranking."""

from __future__ import annotations

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra


def two_facts() -> KnowledgeGraph:
    return KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "s", "c")])


def small_model() -> Ultra:
    torch.manual_seed(0)
    return Ultra(dim=8, num_layers=2)


def test_tail_past_entities_after_edit():
    kg = two_facts()
    model = small_model()
    model.predict(kg, head="a", relation="r", k=2)
    kg.triples[0, 2] = 100
    with pytest.raises(ValueError) as error:
        model.predict(kg, head="a", relation="r", k=2)
    message = str(error.value)
    assert message.startswith("kg.triples: tail ids must lie in [0, 3)")
    assert "found the range [2, 100]" in message
    assert "Build a new KnowledgeGraph" in message


def test_negative_relation_after_edit():
    kg = two_facts()
    kg.triples[1, 1] = -1
    with pytest.raises(ValueError, match=r"kg.triples: relation ids .* \[-1, 0\]"):
        kg.relation_tensors()


def test_float_triples_reassigned():
    kg = two_facts()
    kg.triples = torch.tensor([[0.0, 0, 1]])
    with pytest.raises(TypeError, match="triples must have an integer dtype"):
        small_model().predict(kg, head="a", relation="r", k=2)


def test_int32_triples_reassigned_rank():
    kg = two_facts()
    model = small_model()
    expected = model.predict(kg, head="a", relation="r", k=2)
    kg.triples = kg.triples.int()
    assert model.predict(kg, head="a", relation="r", k=2) == expected
