"""Names spelled composed (NFC) in one file and decomposed (NFD) in another match."""

import unicodedata

from graphkit.datasets import load_edge_list

ZURICH_NFC = "Z\u00fcrich"
ZURICH_NFD = "Zu\u0308rich"


def test_nfd_edges_match_nfc_labels(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"{ZURICH_NFD} Bern\nBern Gen\u0065\u0300ve\n", encoding="utf-8")
    labels = tmp_path / "labels.txt"
    labels.write_text(
        f"{ZURICH_NFC} d\u00e9\nBern de\u0301\nGen\u00e8ve fr\n", encoding="utf-8"
    )
    data = load_edge_list(edges, labels=labels)
    assert data.node_names == [ZURICH_NFC, "Bern", "Gen\u00e8ve"]
    assert data.num_nodes == 3
    assert data.label_names == ["d\u00e9", "fr"]
    assert data.y.tolist() == [0, 0, 1]


def test_nfc_names_unchanged(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"{ZURICH_NFC} \u5317\u4eac\n", encoding="utf-8")
    data = load_edge_list(edges)
    assert data.node_names == [ZURICH_NFC, "\u5317\u4eac"]
    assert all(unicodedata.is_normalized("NFC", name) for name in data.node_names)
