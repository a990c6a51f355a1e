"""read_triples and load_graph take header as a bool or None, not a truthy string."""

import pytest

from graphkit.kg import load_graph, read_triples


@pytest.fixture
def triples_file(tmp_path):
    path = tmp_path / "facts.tsv"
    path.write_text("a\tr\tb\nb\tr\tc\n")
    return path


@pytest.mark.parametrize("header", ["no", "False"])
def test_non_bool_header_rejected(triples_file, header):
    # "no" is truthy, so without the check the first fact would be skipped as a header.
    with pytest.raises(TypeError, match=r"header must be True or False"):
        read_triples(triples_file, header=header)
    with pytest.raises(TypeError, match=r"header must be True or False"):
        load_graph(triples_file, header=header)


def test_bool_header_reads_rows(triples_file):
    assert len(read_triples(triples_file, header=False).rows) == 2
    assert read_triples(triples_file, header=True).rows == [("b", "r", "c")]


def test_none_header_means_no_header(triples_file):
    assert len(read_triples(triples_file, header=None).rows) == 2
    assert load_graph(triples_file, header=None).num_facts == 2
