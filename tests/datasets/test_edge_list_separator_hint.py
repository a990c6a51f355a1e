"""A file separated by ';' or '|' gets an error that names the separator and the option."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list


@pytest.mark.parametrize("separator", [";", "|"])
def test_other_separator_named(tmp_path, separator):
    edges = tmp_path / "edges.csv"
    edges.write_text(f"a{separator}b\nb{separator}c\n")
    with pytest.raises(MalformedLineError, match="edges.csv:1: expected 2 or 3 fields") as error:
        load_edge_list(edges)
    assert f"seems to use {separator!r} between fields" in str(error.value)
    assert f"pass delimiter={separator!r}" in str(error.value)
    data = load_edge_list(edges, delimiter=separator)  # the suggested fix
    assert data.node_names == ["a", "b", "c"]


def test_label_file_separator_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("node;label\na;1\nb;2\nc;1\n")
    with pytest.raises(MalformedLineError, match="labels.csv:1: expected 2 fields") as error:
        load_edge_list(edges, labels=labels)
    assert "seems to use ';' between fields" in str(error.value)


def test_one_field_without_separator_has_no_hint(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert "between fields" not in str(error.value)


def test_analyze_delimiter_option(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = tmp_path / "edges.csv"
    edges.write_text("a;b\nb;c\nc;a\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("a;x\nb;x\nc;y\n")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    assert run(argv) == 2
    assert "--delimiter ';' in graphkit analyze" in capsys.readouterr().err
    assert run([*argv, "--delimiter", ";"]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    assert row[:4] == ["edges", "3", "3", "2"]


@pytest.mark.parametrize("first", ["a\tb", "a,b"])
def test_space_line_below_tab_or_comma(tmp_path, first):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"{first}\nb c\n")
    expected = "edges.txt:2: expected 2 or 3 fields"
    with pytest.raises(MalformedLineError, match=expected) as error:
        load_edge_list(edges)
    message = str(error.value)
    assert "separates its fields with spaces, but the file is read with another" in message


def test_tab_line_with_other_delimiter(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a\tb\nb\tc\n")
    expected = "edges.txt:1: expected 2 or 3 fields"
    with pytest.raises(MalformedLineError, match=expected) as error:
        load_edge_list(edges, delimiter=";")
    message = str(error.value)
    assert ". The line separates its fields with tabs, but the file is read with" in message
