"""An empty field on the first line is no sign of a header line.

header="auto" took a first line for a header when a column that is numeric on the
second line is not numeric on the first. An empty field (a missing weight or
feature) counted as not numeric, so the line was skipped with an INFO log only and
its edge was lost.
"""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list


def test_missing_first_weight_is_an_error(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1,\n1,2,0.5\n2,0,1.0\n")
    with pytest.raises(MalformedLineError, match="edges.csv:1:"):
        load_edge_list(edges)


def test_header_words_still_skipped(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("src,dst,weight\n0,1,0.5\n1,2,1.0\n")
    data = load_edge_list(edges, undirected=False)
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]
    assert data.edge_weight.tolist() == [0.5, 1.0]


def test_empty_header_field_above_text_name_skipped(tmp_path):
    # An unnamed first column over numbers, with a text column name beside it.
    edges = tmp_path / "edges.csv"
    edges.write_text(",alpha\n0,1\n1,2\n")
    data = load_edge_list(edges, undirected=False)
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]
