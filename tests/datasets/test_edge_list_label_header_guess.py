"""A label file without a header whose second line marks an unlabelled node.

``header="auto"`` takes the first line for a header when a column that is numeric on
the second line is not numeric on the first. ``-1`` and ``nan`` are numbers, so string
labels over an unlabelled second node (``0,a`` then ``1,-1``) dropped the first line
as a header, and node 0 lost its label with only an INFO line in the log.
"""

import pytest
from graphkit.datasets import load_edge_list

EDGES = "0,1\n1,2\n2,3\n3,0\n0,2\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


@pytest.mark.parametrize("marker", ["-1", "nan", "NaN", "-1.0"])
def test_string_labels_over_unlabelled_line(tmp_path, marker):
    labels = f"0,a\n1,{marker}\n2,b\n3,a\n"
    data = load_edge_list(
        write(tmp_path, "e.csv", EDGES), labels=write(tmp_path, "y.csv", labels)
    )
    assert data.y.tolist() == [0, -1, 1, 0]
    assert data.label_names == ["a", "b"]


def test_header_over_unlabelled_line_still_skipped(tmp_path):
    labels = "node,cls\n0,-1\n1,a\n2,b\n3,a\n"
    data = load_edge_list(
        write(tmp_path, "e.csv", EDGES), labels=write(tmp_path, "y.csv", labels)
    )
    assert data.y.tolist() == [-1, 0, 1, 0]
    assert data.label_names == ["a", "b"]


def test_header_words_over_unlabelled_line(tmp_path):
    # "team" is no usual column name, but "person" occurs in no edge, so line 1 is
    # a header although the line below it marks an unlabelled node.
    labels = "person,team\nann,-1\nbob,red\ncid,blue\ndan,red\n"
    edges = "ann,bob\nbob,cid\ncid,dan\ndan,ann\n"
    data = load_edge_list(
        write(tmp_path, "e.csv", edges), labels=write(tmp_path, "y.csv", labels)
    )
    assert data.node_names == ["ann", "bob", "cid", "dan"]
    assert data.y.tolist() == [-1, 1, 0, 1]
    assert data.label_names == ["blue", "red"]
