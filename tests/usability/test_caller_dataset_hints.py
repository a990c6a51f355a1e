"""Dataset-loader hints name keyword arguments from Python and flags from the CLI."""

import logging

import pytest
from caller_hints import logged_messages, only_python_hint, python_error_hint
from graphkit.datasets import (
    DatasetFormatError,
    DatasetNotFoundError,
    MalformedLineError,
    ShapeMismatchError,
    load_dataset,
    load_edge_list,
)
from graphkit.datasets.asymproj import load_asymproj
from graphkit.launch.cli import main

EDGES = "alice\tbob\nbob\tcarol\ncarol\talice\n"
# Neither "person" nor "team" is a usual column name, so header="auto" keeps line 1.
LABELS = "person\tteam\nalice\tA\nbob\tA\ncarol\tB\n"
FEATURES = "alice\t1\nbob\t2\ncarol\t3\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


def cli_error_hint(error_type, *argv):
    """Run graphkit train ARGV for one epoch, and return the message of its error."""
    with pytest.raises(error_type) as error:
        main(["train", *argv, "--epochs", "1"])
    return str(error.value)


def test_skipped_header_log_from_python(tmp_path):
    edges = write(tmp_path, "edges.txt", "source target\n0 1\n1 2\n")
    with logged_messages("graphkit.datasets.text_table") as messages:
        load_edge_list(edges)
    message = only_python_hint(messages)
    assert message.endswith("Pass header=False to read it as data")


def test_skipped_header_log_from_cli(tmp_path, capsys):
    edges = write(tmp_path, "edges.txt", "source target\n0 1\n1 2\n2 0\n")
    labels = write(tmp_path, "labels.txt", "0 0\n1 1\n2 0\n")
    assert main(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "skipping" in line
    ]
    assert len(lines) == 1
    assert lines[0].endswith(
        "Pass header=False to read it as data (--header no in graphkit analyze, "
        "header: false in --dataset-options)"
    )


def test_escaped_tab_delimiter_from_python(tmp_path):
    edges = write(tmp_path, "edges.tsv", "a\tb\nb\tc\n")
    message = python_error_hint(
        DatasetFormatError, load_edge_list, edges, delimiter="\\t"
    )
    assert message.endswith("For a tab pass the tab character: delimiter='\\t'")


def test_escaped_tab_delimiter_from_cli(tmp_path):
    edges = write(tmp_path, "edges.tsv", "a\tb\nb\tc\n")
    options = "{delimiter: '\\t'}"
    message = cli_error_hint(
        DatasetFormatError, "--dataset", str(edges), "--dataset-options", options
    )
    assert message.endswith(
        'For a tab pass the tab character: delimiter: "\\t" in --dataset-options '
        "(double quotes), --delimiter tab in graphkit analyze, or delimiter='\\t' in "
        "Python"
    )


def test_other_separator_from_python(tmp_path):
    edges = write(tmp_path, "edges.csv", "a;b\nb;c\n")
    message = python_error_hint(MalformedLineError, load_edge_list, edges)
    assert "pass delimiter=';', or save the file with tabs or commas" in message


def test_label_header_warning_from_python(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    with logged_messages("graphkit.datasets.edge_list", logging.WARNING) as messages:
        load_edge_list(edges, labels=labels)
    message = only_python_hint(messages)
    assert message.endswith(
        "delete it or pass header=True, which skips the first line of every file"
    )


def test_label_header_warning_from_cli(tmp_path, capsys):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    assert main(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
    lines = [
        line
        for line in capsys.readouterr().err.splitlines()
        if "occurs in no edge" in line
    ]
    assert len(lines) == 1
    assert lines[0].endswith(
        "which skips the first line of every file (--header yes in graphkit analyze, "
        "header: true in --dataset-options)"
    )


def test_extra_label_line_from_python(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    features = write(tmp_path, "x.tsv", FEATURES)
    message = python_error_hint(
        ShapeMismatchError, load_edge_list, edges, features=features, labels=labels
    )
    assert message.endswith(
        "delete it or pass header=True, which skips the first line of every file"
    )


def test_extra_label_line_from_cli(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    features = write(tmp_path, "x.tsv", FEATURES)
    options = f"{{features: {features}, labels: {labels}}}"
    message = cli_error_hint(
        ShapeMismatchError, "--dataset", str(edges), "--dataset-options", options
    )
    assert message.endswith(
        "which skips the first line of every file (header: true in --dataset-options)"
    )


def test_synthetic_option_type_from_python():
    message = python_error_hint(ValueError, load_dataset, "synthetic", num_nodes="3oo")
    assert message.endswith(
        "Fix it in the keyword arguments of load_dataset or synthetic_csbm"
    )


def test_synthetic_option_type_from_cli():
    message = cli_error_hint(ValueError, "--dataset-options", "{num_nodes: 3oo}")
    assert message.endswith(
        "Fix it in --dataset-options or in the keyword arguments of synthetic_csbm"
    )


def test_unknown_dataset_option_from_python():
    message = python_error_hint(ValueError, load_dataset, "synthetic", nodes=3)
    assert message.endswith("Fix the name in the keyword arguments of load_dataset")


def test_unknown_dataset_option_from_cli():
    message = cli_error_hint(ValueError, "--dataset-options", "{nodes: 3}")
    assert message.endswith(
        "Fix the name in --dataset-options or in the keyword arguments of load_dataset"
    )


def test_missing_ogb_folder_from_python(tmp_path):
    message = python_error_hint(
        DatasetNotFoundError, load_dataset, "ogbn-arxiv", root=tmp_path
    )
    assert message.endswith("Pass download=True to let the ogb package fetch it.")


def test_missing_ogb_folder_from_cli(tmp_path):
    message = cli_error_hint(
        DatasetNotFoundError, "--dataset", "ogbn-arxiv", "--root", str(tmp_path)
    )
    assert message.endswith(
        "Pass download=True (--dataset-options '{download: true}' to graphkit train or "
        "partition) to let the ogb package fetch it."
    )


@pytest.mark.parametrize("name", ["cora", "texas", "roman-empire"])
def test_missing_files_download_from_python(tmp_path, name):
    message = python_error_hint(DatasetNotFoundError, load_dataset, name, root=tmp_path)
    assert message.endswith("Pass download=True to fetch them.")


def test_missing_files_download_from_cli(tmp_path):
    message = cli_error_hint(
        DatasetNotFoundError, "--dataset", "cora", "--root", str(tmp_path)
    )
    assert message.endswith(
        "Pass download=True to fetch them (on the command line: --dataset-options "
        "'{download: true}' with graphkit train or graphkit partition)."
    )


def test_missing_root_from_python(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    message = python_error_hint(DatasetNotFoundError, load_dataset, "cora")
    assert message.startswith("no data root given: pass root=DIR or set GRAPHKIT_DATA")


def test_missing_root_from_cli(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    message = cli_error_hint(DatasetNotFoundError, "--dataset", "cora")
    assert message.startswith(
        "no data root given: pass root=DIR (--root DIR) or set GRAPHKIT_DATA"
    )


def test_missing_asymproj_root_from_python(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    message = python_error_hint(FileNotFoundError, load_asymproj, "ppi")
    assert message.startswith(
        "no data root for AsymProj dataset 'ppi': pass root=DIR or set GRAPHKIT_DATA"
    )
