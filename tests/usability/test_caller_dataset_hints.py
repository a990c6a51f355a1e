"""Dataset-loader hints name keyword arguments from Python and flags from the CLI."""

import logging
import re
from contextlib import contextmanager

import pytest
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

# A flag such as --dataset-options or --root.
FLAG = re.compile(r"--[a-z]")

EDGES = "alice\tbob\nbob\tcarol\ncarol\talice\n"
# Neither "person" nor "team" is a usual column name, so header="auto" keeps line 1.
LABELS = "person\tteam\nalice\tA\nbob\tA\ncarol\tB\n"
FEATURES = "alice\t1\nbob\t2\ncarol\t3\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


@contextmanager
def logged(logger_name, level=logging.INFO):
    """Collect the messages that ``logger_name`` logs at ``level`` and above."""
    messages = []
    handler = logging.Handler(level)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def train(*argv):
    return main(["train", *argv, "--epochs", "1"])


def test_skipped_header_log_from_python(tmp_path):
    edges = write(tmp_path, "edges.txt", "source target\n0 1\n1 2\n")
    with logged("graphkit.datasets.text_table") as messages:
        load_edge_list(edges)
    assert len(messages) == 1
    assert messages[0].endswith("Pass header=False to read it as data")
    assert not FLAG.search(messages[0])


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
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges, delimiter="\\t")
    message = str(error.value)
    assert message.endswith("For a tab pass the tab character: delimiter='\\t'")
    assert not FLAG.search(message)


def test_escaped_tab_delimiter_from_cli(tmp_path):
    edges = write(tmp_path, "edges.tsv", "a\tb\nb\tc\n")
    with pytest.raises(DatasetFormatError) as error:
        train("--dataset", str(edges), "--dataset-options", "{delimiter: '\\t'}")
    assert str(error.value).endswith(
        'For a tab pass the tab character: delimiter: "\\t" in --dataset-options '
        "(double quotes), --delimiter tab in graphkit analyze, or delimiter='\\t' in "
        "Python"
    )


def test_other_separator_from_python(tmp_path):
    edges = write(tmp_path, "edges.csv", "a;b\nb;c\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    message = str(error.value)
    assert "pass delimiter=';', or save the file with tabs or commas" in message
    assert not FLAG.search(message)


def test_label_header_warning_from_python(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    with logged("graphkit.datasets.edge_list", logging.WARNING) as messages:
        load_edge_list(edges, labels=labels)
    assert len(messages) == 1
    assert messages[0].endswith(
        "delete it or pass header=True, which skips the first line of every file"
    )
    assert not FLAG.search(messages[0])


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
    with pytest.raises(ShapeMismatchError) as error:
        load_edge_list(edges, features=features, labels=labels)
    message = str(error.value)
    assert message.endswith(
        "delete it or pass header=True, which skips the first line of every file"
    )
    assert not FLAG.search(message)


def test_extra_label_line_from_cli(tmp_path):
    edges, labels = write(tmp_path, "e.tsv", EDGES), write(tmp_path, "y.tsv", LABELS)
    features = write(tmp_path, "x.tsv", FEATURES)
    options = f"{{features: {features}, labels: {labels}}}"
    with pytest.raises(ShapeMismatchError) as error:
        train("--dataset", str(edges), "--dataset-options", options)
    assert str(error.value).endswith(
        "which skips the first line of every file (header: true in --dataset-options)"
    )


def test_synthetic_option_type_from_python():
    with pytest.raises(ValueError) as error:
        load_dataset("synthetic", num_nodes="3oo")
    message = str(error.value)
    assert message.endswith(
        "Fix it in the keyword arguments of load_dataset or synthetic_csbm"
    )
    assert not FLAG.search(message)


def test_synthetic_option_type_from_cli():
    with pytest.raises(ValueError) as error:
        train("--dataset-options", "{num_nodes: 3oo}")
    assert str(error.value).endswith(
        "Fix it in --dataset-options or in the keyword arguments of synthetic_csbm"
    )


def test_unknown_dataset_option_from_python():
    with pytest.raises(ValueError) as error:
        load_dataset("synthetic", nodes=3)
    message = str(error.value)
    assert message.endswith("Fix the name in the keyword arguments of load_dataset")
    assert not FLAG.search(message)


def test_unknown_dataset_option_from_cli():
    with pytest.raises(ValueError) as error:
        train("--dataset-options", "{nodes: 3}")
    assert str(error.value).endswith(
        "Fix the name in --dataset-options or in the keyword arguments of load_dataset"
    )


def test_missing_ogb_folder_from_python(tmp_path):
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset("ogbn-arxiv", root=tmp_path)
    message = str(error.value)
    assert message.endswith("Pass download=True to let the ogb package fetch it.")
    assert not FLAG.search(message)


def test_missing_ogb_folder_from_cli(tmp_path):
    with pytest.raises(DatasetNotFoundError) as error:
        train("--dataset", "ogbn-arxiv", "--root", str(tmp_path))
    assert str(error.value).endswith(
        "Pass download=True (--dataset-options '{download: true}' to graphkit train or "
        "partition) to let the ogb package fetch it."
    )


@pytest.mark.parametrize("name", ["cora", "texas", "roman-empire"])
def test_missing_files_download_from_python(tmp_path, name):
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset(name, root=tmp_path)
    message = str(error.value)
    assert message.endswith("Pass download=True to fetch them.")
    assert not FLAG.search(message)


def test_missing_files_download_from_cli(tmp_path):
    with pytest.raises(DatasetNotFoundError) as error:
        train("--dataset", "cora", "--root", str(tmp_path))
    assert str(error.value).endswith(
        "Pass download=True to fetch them (on the command line: --dataset-options "
        "'{download: true}' with graphkit train or graphkit partition)."
    )


def test_missing_root_from_python(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset("cora")
    message = str(error.value)
    assert message.startswith("no data root given: pass root=DIR or set GRAPHKIT_DATA")
    assert not FLAG.search(message)


def test_missing_root_from_cli(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(DatasetNotFoundError) as error:
        train("--dataset", "cora")
    assert str(error.value).startswith(
        "no data root given: pass root=DIR (--root DIR) or set GRAPHKIT_DATA"
    )


def test_missing_asymproj_root_from_python(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(FileNotFoundError) as error:
        load_asymproj("ppi")
    message = str(error.value)
    assert message.startswith(
        "no data root for AsymProj dataset 'ppi': pass root=DIR or set GRAPHKIT_DATA"
    )
    assert not FLAG.search(message)
