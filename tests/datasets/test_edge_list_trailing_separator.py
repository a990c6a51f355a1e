"""Lines that end with their separator (0,1,) get an error that names the fix."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list

FIX = (
    "The line ends with ',', which adds an empty last field: delete the separator at "
    "the end of such lines"
)


def test_edge_list_trailing_comma(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1,\n1,2,\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}:1: the third field is empty on every line. {FIX}; line content: '0,1,'"
    )


def test_one_missing_weight(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1,0.5\n1,2,\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}:2: the edge weight (third field) is empty. Give a weight on every "
        "line or on none; line content: '1,2,'"
    )


def test_label_trailing_comma(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("0,a,\r\n1,b,\r\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges, labels=labels)
    assert "labels.csv:1: expected 2 fields" in str(error.value)
    assert str(error.value).endswith(f"found 3. {FIX}; line content: '0,a,'")
