"""``header="auto"`` reads line 1 as data when an id column is numeric in lines 1 and 2.

``1,bob`` above ``2,3`` has text above a number in column 1, which alone would mark a
header. Column 0 is numeric in both lines, so the first line is data: an edge of node
``1`` or the label of node ``1``.
"""

import pytest
import torch
from graphkit.datasets import load_edge_list
from graphkit.datasets.text_table import looks_like_header, read_table


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


@pytest.mark.parametrize(
    "content, rows",
    [
        ("1,bob\n2,alice\n", [["1", "bob"], ["2", "alice"]]),
        ("1,bob\n2,3\n", [["1", "bob"], ["2", "3"]]),
        ("1\tbob\t0.5\n2\t3\t0.25\n", [["1", "bob", "0.5"], ["2", "3", "0.25"]]),
    ],
)
def test_number_above_number_is_data(tmp_path, content, rows):
    table = read_table(write(tmp_path, "t.csv", content))
    assert [row.fields for row in table] == rows
    assert [row.line_number for row in table] == [1, 2]


@pytest.mark.parametrize(
    "content",
    ["node,name\n1,bob\n2,3\n", "1,source\n2,3\n", "person,team\n1,2\n"],
)
def test_header_lines_still_skipped(tmp_path, content):
    table = read_table(write(tmp_path, "t.csv", content))
    assert table[0].line_number == 2
    assert len(table) == len(content.splitlines()) - 1


def test_looks_like_header_cases():
    assert looks_like_header(["1", "bob"], ["2", "3"]) is False
    assert looks_like_header(["1", "bob"], ["2", "alice"]) is False
    assert looks_like_header(["a", "b"], ["2", "3"]) is True
    assert looks_like_header(["1", "label"], ["2", "3"]) is True
    assert looks_like_header(["", "b"], ["2", "3"]) is True


def test_edge_list_keeps_first_named_edge(tmp_path):
    data = load_edge_list(write(tmp_path, "e.csv", "1,bob\n2,3\n3,1\n"))
    assert data.node_names == ["1", "bob", "2", "3"]
    # Undirected edges 1-bob, 2-3 and 3-1 with ids 1 -> 0, bob -> 1, 2 -> 2, 3 -> 3.
    assert data.edge_index.tolist() == [[0, 0, 1, 2, 3, 3], [1, 3, 0, 3, 0, 2]]


def test_label_file_keeps_first_label(tmp_path):
    edges = write(tmp_path, "e.csv", "1,bob\n2,3\n3,1\n")
    labels = write(tmp_path, "y.csv", "1,bob\n2,3\n3,bob\nbob,2\n")
    data = load_edge_list(edges, labels=labels)
    assert data.label_names == ["2", "3", "bob"]
    # Nodes 1, bob, 2, 3 have labels bob, 2, 3, bob.
    assert data.y.tolist() == [2, 0, 1, 2]


def test_numbered_value_columns_still_header():
    # pandas writes a feature table with a named index as "paper,0,1": the numbers
    # name value columns, and only a number in a node id column marks data.
    assert looks_like_header(["paper", "0", "1"], ["7", "0.5", "0.1"]) is True
    assert looks_like_header(["a", "b", "1"], ["0", "1", "0.5"], id_columns=2) is True
    assert looks_like_header(["bob", "1"], ["2", "3"], id_columns=2) is False


def test_feature_header_with_numbered_columns(tmp_path):
    edges = write(tmp_path, "e.csv", "0,1\n1,2\n")
    features = write(tmp_path, "x.csv", "paper,0,1\n0,0.5,0.1\n1,0.2,0.3\n2,0.9,0.4\n")
    data = load_edge_list(edges, features=features)
    assert data.node_names.tolist() == [0, 1, 2]
    expected = torch.tensor([[0.5, 0.1], [0.2, 0.3], [0.9, 0.4]])
    assert torch.equal(data.x, expected)


def test_weighted_edge_header_with_number(tmp_path):
    # The weight column of an edge list is not an id column, so the 1 above 0.5
    # does not make the first line data.
    data = load_edge_list(write(tmp_path, "e.csv", "a,b,1\n0,1,0.5\n1,2,0.25\n"))
    assert data.node_names.tolist() == [0, 1, 2]
    assert data.edge_weight.tolist() == [0.5, 0.5, 0.25, 0.25]
