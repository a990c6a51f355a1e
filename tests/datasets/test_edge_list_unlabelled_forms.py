"""Label files mark unlabelled nodes with -1, -1.0, an empty field or NaN.

pandas writes an integer column with missing values as floats (``1.0``) with empty
fields, and string labels are often mixed with ``-1`` for unlabelled nodes. Each form
must leave the node out of every class and mask, not add a class.
"""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list
from graphkit.launch.cli import run

EDGES = "0,1\n1,2\n2,0\n2,3\n3,4\n4,5\n5,3\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


@pytest.mark.parametrize(
    "labels",
    [
        "id,label\n0,0\n1,0\n2,-1\n3,1\n4,1\n5,-1\n",  # integers
        "id,label\n0,0.0\n1,0.0\n2,\n3,1.0\n4,1.0\n5,\n",  # pandas with NaN
        "id,label\n0,0.0\n1,0.0\n2,-1.0\n3,1.0\n4,1.0\n5,-1.0\n",  # pandas floats
        "id,label\n0,0\n1,0\n2,nan\n3,1\n4,1\n5,NaN\n",
        '"id","label"\n"0",0\n"1",0\n"2",NA\n"3",1\n"4",1\n"5",NA\n',  # R
        "id\tlabel\n0\t0\n1\t0\n2\t\n3\t1\n4\t1\n5\t\r\n",  # tab before line end
    ],
)
def test_integer_labels_unlabelled_forms(tmp_path, labels):
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=write(tmp_path, "y.csv", labels))
    assert data.y.tolist() == [0, 0, -1, 1, 1, -1]
    assert data.label_names == [0, 1]
    assert data.num_classes == 2
    assert data.negative_label_mask.tolist() == [False, False, True, False, False, True]
    covered = data.train_mask | data.val_mask | data.test_mask
    assert covered.tolist() == [True, True, False, True, True, False]


@pytest.mark.parametrize("mark", ["-1", "", "nan"])
def test_string_labels_unlabelled_forms(tmp_path, mark):
    labels = f"0,ham\n1,ham\n2,{mark}\n3,spam\n4,spam\n5,{mark}\n"
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=write(tmp_path, "y.csv", labels))
    assert data.y.tolist() == [0, 0, -1, 1, 1, -1]
    assert data.label_names == ["ham", "spam"]


def test_space_after_lone_id_is_empty_label(tmp_path):
    # print(node, label) writes "2 " for an empty label in a whitespace-separated file.
    labels = write(tmp_path, "y.txt", "0 ham\n1 ham\n2 \n3 spam\n4 spam\n5 \r\n")
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
    assert data.y.tolist() == [0, 0, -1, 1, 1, -1]
    assert data.label_names == ["ham", "spam"]
    assert data.negative_label_mask.tolist() == [False, False, True, False, False, True]


@pytest.mark.parametrize("delimiter", [" ", "space"])
def test_space_delimiter_lone_id_empty_label(tmp_path, delimiter):
    edges = write(tmp_path, "e.txt", EDGES.replace(",", " "))
    labels = write(tmp_path, "y.txt", "0 ham\n1 ham\n2 \n3 spam\n4 spam\n5 \r\n")
    data = load_edge_list(edges, labels=labels, delimiter=delimiter)
    assert data.y.tolist() == [0, 0, -1, 1, 1, -1]
    assert data.label_names == ["ham", "spam"]


def test_tab_then_space_is_empty_label(tmp_path):
    labels = write(tmp_path, "y.tsv", "0\tham\n1\tham\n2\t \n3\tspam\n4\tspam\n5\t\n")
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
    assert data.y.tolist() == [0, 0, -1, 1, 1, -1]


def test_space_after_id_in_comma_file_rejected(tmp_path):
    labels = write(tmp_path, "y.csv", "0,ham\n1,ham\n2 \n")
    with pytest.raises(MalformedLineError, match=r"y.csv:3: expected 2 fields"):
        load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)


def test_float_written_label_equals_integer(tmp_path):
    labels = write(tmp_path, "y.csv", "0,0\n1,0\n2,1\n3,1\n4,1\n5,1\n2,1.0\n")
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
    assert data.y.tolist() == [0, 0, 1, 1, 1, 1]


def test_label_and_unlabelled_conflict(tmp_path):
    labels = write(tmp_path, "y.csv", "0,0\n1,0\n2,1\n3,1\n4,1\n5,1\n2,-1\n")
    with pytest.raises(MalformedLineError, match=r"y.csv:7: node '2' has label '-1' here but '1' on line 3"):
        load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)


def test_missing_label_field_names_marks(tmp_path):
    labels = write(tmp_path, "y.txt", "0 0\n1\n")
    with pytest.raises(MalformedLineError, match=r"y.txt:2: expected 2 fields") as error:
        load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
    assert "node id and label, where an empty label or -1 marks an unlabelled node" in str(error.value)


def test_analyze_pandas_labels_match_minus_one(tmp_path, capsys):
    edges = write(tmp_path, "e.csv", EDGES)
    explicit = write(tmp_path, "explicit.csv", "0,0\n1,0\n2,-1\n3,1\n4,1\n5,-1\n")
    pandas = write(tmp_path, "pandas.csv", "id,label\n0,0.0\n1,0.0\n2,\n3,1.0\n4,1.0\n5,\n")
    tables = []
    for labels in (explicit, pandas):
        assert run(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
        tables.append(capsys.readouterr().out)
    assert tables[0] == tables[1]
    row = tables[0].splitlines()[2].split()
    assert row[:4] == ["e", "4", "2", "2"]  # nodes, edges and classes counted


def test_fractional_labels_warn(tmp_path):
    import logging

    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("graphkit.datasets.edge_list")
    logger.addHandler(handler)
    labels = write(tmp_path, "y.csv", "0,0.5\n1,1.25\n2,0.5\n3,3\n4,-1\n5,\n")
    try:
        data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
        whole = load_edge_list(
            write(tmp_path, "e.csv", EDGES), labels=write(tmp_path, "z.csv", "0,1.0\n1,2\n")
        )
    finally:
        logger.removeHandler(handler)
    assert data.label_names == ["0.5", "1.25", "3"]
    assert whole.label_names == [1, 2]
    messages = [record.getMessage() for record in records]
    assert len(messages) == 1
    assert "y.csv:1: label '0.5' is a fractional number" in messages[0]
    assert "read as 3 class names, one per distinct value" in messages[0]


def test_na_is_a_class_among_text_labels(tmp_path):
    labels = write(tmp_path, "y.csv", "0,EU\n1,EU\n2,NA\n3,NA\n4,NA\n5,-1\n")
    data = load_edge_list(write(tmp_path, "e.csv", EDGES), labels=labels)
    assert data.label_names == ["EU", "NA"]  # North America
    assert data.y.tolist() == [0, 0, 1, 1, 1, -1]
