"""An empty node id is an error that names the line, not a node named ""."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list


def test_empty_source_in_csv(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n,2\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}:2: the source id (field 1) is empty, but each edge needs a source "
        "and a target id; line content: ',2'"
    )


def test_double_space_with_space_delimiter(tmp_path):
    # Aligned columns, as `column -t` writes them: every line has two spaces.
    edges = tmp_path / "edges.txt"
    edges.write_text("0  1\n1  2\n2  0\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges, delimiter=" ")
    message = str(error.value)
    assert message.startswith(f"{edges}:1: the target id (field 2) is empty")
    assert "Leave the delimiter unset to split at any run of whitespace" in message
    data = load_edge_list(edges)  # the suggested fix
    assert data.node_names.tolist() == [0, 1, 2]
    assert data.edge_index.size(1) == 6


def test_empty_label_and_feature_ids(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("0,a\n,b\n1,a\n")
    with pytest.raises(MalformedLineError, match=r"labels.csv:2: the node id \(field 1\)"):
        load_edge_list(edges, labels=labels)
    features = tmp_path / "x.csv"
    features.write_text("0,0.5\n1,0.5\n,0.5\n")
    with pytest.raises(MalformedLineError, match=r"x.csv:3: the node id \(field 1\)"):
        load_edge_list(edges, features=features)


def test_leading_tab_in_tsv(tmp_path):
    # Stripping the line first would drop the empty source and report one field.
    edges = tmp_path / "edges.tsv"
    edges.write_text("1\t2\n\t3\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}:2: the source id (field 1) is empty, but each edge needs a source "
        "and a target id; line content: '\\t3'"
    )


def test_leading_whitespace_without_delimiter(tmp_path):
    # Splitting at runs of whitespace ignores indentation, so these lines are valid.
    edges = tmp_path / "edges.txt"
    edges.write_text("1 2\n  2 3\n")
    data = load_edge_list(edges)
    assert data.node_names.tolist() == [1, 2, 3]
    assert data.edge_index.size(1) == 4
