"""An empty or escaped delimiter gets an error that names it, and analyze reads '\\t'."""

import pytest
from graphkit.datasets import DatasetFormatError, load_edge_list
from graphkit.option_names import command_line_options


def test_empty_delimiter_named(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("a;b\nb;c\n")
    # Without the check, str.split raised "empty separator" without naming the option.
    with pytest.raises(DatasetFormatError, match="delimiter must be a non-empty string"):
        load_edge_list(edges, delimiter="")


@pytest.mark.parametrize("escaped", ["\\t", "\\n"])
def test_backslash_escape_delimiter_named(tmp_path, escaped):
    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\nb\tc\n")
    # Without the check, the error was "edges.tsv:1: expected 2 or 3 fields, found 1".
    # Inside command_line_options() the message names the command-line and YAML
    # spellings of the option.
    with pytest.raises(DatasetFormatError) as error, command_line_options():
        load_edge_list(edges, delimiter=escaped)
    assert f"delimiter {escaped!r} is a backslash and a letter" in str(error.value)
    assert "delimiter: \"\\t\"" in str(error.value)


def test_analyze_tab_delimiter(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\nb\tc\nc\ta\n")
    labels = tmp_path / "labels.tsv"
    labels.write_text("a\tx\nb\tx\nc\ty\n")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    for spelling in ("\\t", "tab", "\t"):
        assert run([*argv, "--delimiter", spelling]) == 0, spelling
        row = capsys.readouterr().out.splitlines()[2].split()
        assert row[:4] == ["edges", "3", "3", "2"], spelling


def test_analyze_empty_delimiter(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\n")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(edges)]
    assert run([*argv, "--delimiter", ""]) == 2
    assert "delimiter must be a non-empty string" in capsys.readouterr().err
