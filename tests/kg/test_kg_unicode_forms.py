"""Names match across Unicode normal forms (NFC and NFD)."""

import unicodedata

import pytest

from graphkit.kg import KnowledgeGraph, Ultra, load_graph

# "ü" as one code point (NFC), as most keyboards type it.
COMPOSED = "Z\u00fcrich"
# "u" and a combining diaeresis (NFD), as HFS+ on macOS stores file names.
DECOMPOSED = "Zu\u0308rich"


@pytest.fixture()
def decomposed_file(tmp_path):
    path = tmp_path / "triples.tsv"
    rows = [
        (DECOMPOSED, "lie\u0301gt_in", "Schweiz"),
        ("Gene\u0300ve", "lie\u0301gt_in", "Schweiz"),
    ]
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_composed_names_find_decomposed_ones(decomposed_file):
    kg = load_graph(decomposed_file)
    assert kg.entity_id(COMPOSED) == 0
    assert kg.relation_id(unicodedata.normalize("NFC", "lie\u0301gt_in")) == 0
    ids = kg.encode([(COMPOSED, "li\u00e9gt_in", "Schweiz")])
    assert ids.tolist() == [[0, 0, 1]]


def test_predict_with_composed_name(decomposed_file):
    kg = load_graph(decomposed_file)
    model = Ultra(dim=8, num_layers=1)
    by_composed = model.predict(kg, head=COMPOSED, relation="li\u00e9gt_in", k=3)
    by_stored = model.predict(kg, head=DECOMPOSED, relation="lie\u0301gt_in", k=3)
    assert by_composed == by_stored


def test_equivalent_names_are_one_entity():
    # U+212B ANGSTROM SIGN, "A" with a combining ring and U+00C5 share the NFC form
    # U+00C5, so they name one entity, spelled as first read.
    kg = KnowledgeGraph.from_named_triples([("\u212b", "r", "A\u030a")])
    assert kg.entity_names == ["\u212b"]
    assert kg.triples.tolist() == [[0, 0, 0]]
    assert kg.entity_id("\u212b") == 0
    assert kg.entity_id("A\u030a") == 0
    assert kg.entity_id("\u00c5") == 0
