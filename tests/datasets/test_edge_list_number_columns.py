"""A text value in a weight or feature column names what the column holds."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list


def test_text_in_weight_column(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b 1.5\nb c follows\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    message = str(error.value)
    assert "edges.txt:2: value 'follows' is not a number" in message
    assert "the third column is the edge weight. Delete it if it contains other data" in message


def test_empty_feature_value(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    features = tmp_path / "x.csv"
    features.write_text("0,1.0,2.0\n1,,3.0\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges, features=features)
    message = str(error.value)
    assert "x.csv:2: value '' is not a number" in message
    assert "every column after the node id is a feature. Fill in missing values" in message
