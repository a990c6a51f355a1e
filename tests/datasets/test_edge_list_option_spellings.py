"""Edge-list options: the separator names tab and space, and a quoted header value."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list

from graphkit.option_names import command_line_options


@pytest.mark.parametrize(
    "name, separator", [("space", " "), ("tab", "\t"), ("SPACE", " ")]
)
def test_delimiter_name_splits(tmp_path, name, separator):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"a{separator}b\nb{separator}c\n")
    data = load_edge_list(edges, delimiter=name, undirected=False)
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]


def test_space_is_one_character(tmp_path):
    # As with tab, the name stands for one character, not for any run of whitespace.
    edges = tmp_path / "edges.txt"
    edges.write_text("0  1\n1 2\n")
    with pytest.raises(MalformedLineError, match="the target id .* is empty"):
        load_edge_list(edges, delimiter="space")


@pytest.mark.parametrize("header", ["no", "yes", "false"])
def test_quoted_header_rejected(tmp_path, header):
    # A non-empty string is truthy, so "no" skipped the first edge as a header.
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    with pytest.raises(ValueError) as error:
        load_edge_list(edges, header=header)
    assert str(error.value) == (
        f"header must be True, False or 'auto', got {header!r}"
    )


def test_quoted_header_command_line_spelling(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    with pytest.raises(ValueError) as error, command_line_options():
        load_edge_list(edges, header="yes")
    assert str(error.value) == (
        "header must be true, false or auto, got 'yes'. Write true or false "
        "without quotes in --dataset-options, as in {header: true}"
    )


def test_analyze_space_delimiter(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c\nc a\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("a x\nb x\nc y\n")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    assert run([*argv, "--delimiter", "space"]) == 0
    row = capsys.readouterr().out.splitlines()[2].split()
    assert row[:4] == ["edges", "3", "3", "2"]
