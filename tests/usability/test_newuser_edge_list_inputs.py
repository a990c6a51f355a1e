"""Edge-list and label files with bad content fail with the file name and line."""

import pytest
from graphkit.datasets import load_dataset
from graphkit.launch.cli import run

EDGES = "0 1\n1 2\n2 0\n2 3\n"


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_conflicting_labels_rejected(tmp_path):
    edges = write(tmp_path, "edges.txt", EDGES)
    labels = write(tmp_path, "labels.txt", "0 0\n1 0\n2 1\n3 1\n0 1\n")
    with pytest.raises(ValueError, match=r"labels.txt:5: node '0' has label '1' here"):
        load_dataset(str(edges), labels=labels)


def test_conflict_names_first_line(tmp_path):
    edges = write(tmp_path, "edges.txt", EDGES)
    labels = write(tmp_path, "labels.txt", "0 a\n1 a\n2 b\n3 b\n0 b\n")
    with pytest.raises(ValueError, match=r"but 'a' on line 1"):
        load_dataset(str(edges), labels=labels)


def test_repeated_equal_label_accepted(tmp_path):
    edges = write(tmp_path, "edges.txt", EDGES)
    labels = write(tmp_path, "labels.txt", "0 0\n1 0\n2 1\n3 1\n0 0\n")
    data = load_dataset(str(edges), labels=labels)
    assert data.y.tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("bad", ["edges", "labels"])
def test_non_utf8_file_named(tmp_path, capsys, bad):
    files = {
        "edges": write(tmp_path, "edges.txt", EDGES),
        "labels": write(tmp_path, "labels.txt", "0 0\n1 0\n2 1\n3 1\n"),
    }
    files[bad].write_bytes(b"\xff\xfe0 1\n")
    args = [
        "analyze",
        "--edge-list",
        str(files["edges"]),
        "--labels",
        str(files["labels"]),
    ]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert f"{files[bad]}:1: not UTF-8 text (invalid byte 0xff" in err
