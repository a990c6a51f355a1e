"""graphkit analyze: unlabelled-node errors name edge-list lines and the header option."""

import logging

import pytest
from graphkit.datasets import load_edge_list
from graphkit.launch.cli import run
from graphkit.option_names import command_line_options

STRING_EDGES = "person_a,person_b\nalice,bob\nbob,carol\ncarol,alice\n"
STRING_LABELS = "name,group\nalice,A\nbob,A\ncarol,B\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


def analyze(edges, labels, *options):
    return run(["analyze", "--edge-list", str(edges), "--labels", str(labels), *options])


def test_unread_header_suggests_header_yes(tmp_path, capsys):
    edges = write(tmp_path, "edges.csv", STRING_EDGES)
    labels = write(tmp_path, "labels.csv", STRING_LABELS)
    assert analyze(edges, labels) == 2
    err = capsys.readouterr().err
    assert "label file " in err
    assert "'person_a' (line 1), 'person_b' (line 1)" in err
    assert "If line 1 ('person_a,person_b') is a column header, delete it or pass" in err
    assert "--header yes, which skips the first line of --labels too" in err
    assert analyze(edges, labels, "--header", "yes") == 0


def test_missing_labels_name_first_lines(tmp_path, capsys):
    edges = write(tmp_path, "edges.txt", "# ids\n0 1\n1 2\n\n2 3\n3 0\n")
    labels = write(tmp_path, "labels.txt", "0 0\n1 1\n")
    assert analyze(edges, labels) == 2
    err = capsys.readouterr().err
    assert "2 node id(s) of the edge list are missing" in err
    assert "2 (line 3), 3 (line 5)" in err
    assert "with label -1 for an unlabelled node" in err
    assert "--header yes" not in err


@pytest.mark.parametrize("edge", ["0 1", "a b"])  # bulk and line-by-line readers
def test_skipped_header_log_names_cli_options(tmp_path, edge):
    edges = write(tmp_path, "edges.txt", f"# graph\nsource target\n{edge}\n")
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("graphkit.datasets.text_table")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with command_line_options():
            load_edge_list(edges)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    text = " ".join(record.getMessage() for record in records)
    assert "edges.txt:2: skipping 'source target' as a column header" in text
    assert "--header no in graphkit analyze" in text
    assert "header: false in --dataset-options" in text


def test_edge_list_as_dataset_names_options(tmp_path, capsys):
    edges = write(tmp_path, "edges.txt", "0 1\n1 2\n")
    assert run(["analyze", "--dataset", str(edges)]) == 2
    err = capsys.readouterr().err
    assert "has no node labels (data.y is missing)" in err
    assert f"For an edge-list file pass --edge-list {edges} --labels FILE" in err
