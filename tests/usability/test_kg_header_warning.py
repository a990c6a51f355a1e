"""A triple file whose first row looks like a column header gets a warning."""

import logging

from graphkit.kg import load_graph

FACTS = "Paris,capital_of,France\nBerlin,capital_of,Germany\n"


def _header_warnings(caplog):
    return [r for r in caplog.records if "looks like a column header" in r.getMessage()]


def test_header_row_warns(tmp_path, caplog):
    path = tmp_path / "triples.csv"
    path.write_text("head,relation,tail\n" + FACTS)
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        kg = load_graph(path)
    warnings = _header_warnings(caplog)
    assert len(warnings) == 1
    assert f"{path}:1:" in warnings[0].getMessage()
    assert "Pass header=True to skip it" in warnings[0].getMessage()
    assert kg.num_entities == 6  # the header row still loads, as documented


def test_header_row_skipped_no_warning(tmp_path, caplog):
    path = tmp_path / "triples.csv"
    path.write_text("Subject,Predicate,Object\n" + FACTS)
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        kg = load_graph(path, header=True)
    assert _header_warnings(caplog) == []
    assert kg.num_entities == 4


def test_plain_facts_no_warning(tmp_path, caplog):
    path = tmp_path / "triples.tsv"
    path.write_text(FACTS.replace(",", "\t"))
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        load_graph(path)
    assert _header_warnings(caplog) == []
