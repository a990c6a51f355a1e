"""A misspelt entity or relation name in a query gets the closest known name."""

import pytest

from graphkit.kg import KnowledgeGraph

RELATIONS = [f"relation_{i}" for i in range(8)] + ["capital_of"]


@pytest.fixture()
def kg():
    rows = [("Paris", relation, "France") for relation in RELATIONS]
    rows.append(("Berlin", "capital_of", "Germany"))
    return KnowledgeGraph.from_named_triples(rows)


def test_relation_typo_names_closest(kg):
    with pytest.raises(KeyError) as error:
        kg.relation_id("capitol_of")
    message = error.value.args[0]
    assert "relation 'capitol_of' is not in the graph" in message
    assert "did you mean 'capital_of'?" in message


def test_entity_case_names_closest(kg):
    with pytest.raises(KeyError) as error:
        kg.entity_id("paris")
    message = error.value.args[0]
    assert "entity 'paris' is not in the graph (4 entities)" in message
    assert "did you mean 'Paris'?" in message


def test_unrelated_name_has_no_hint(kg):
    with pytest.raises(KeyError) as error:
        kg.entity_id("/m/0xyz")
    assert "did you mean" not in error.value.args[0]


def test_large_vocabulary_matches_case_only(kg, monkeypatch):
    monkeypatch.setattr("graphkit.kg.graph.FUZZY_HINT_MAX_NAMES", 2)
    with pytest.raises(KeyError) as error:
        kg.entity_id("PARIS")
    assert "did you mean 'Paris'?" in error.value.args[0]
    with pytest.raises(KeyError) as error:
        kg.entity_id("Pariss")
    assert "did you mean" not in error.value.args[0]
