"""load_edge_list rejects file, fraction and seed options of the wrong type."""

import numpy as np
import pytest
from graphkit.datasets import load_dataset, load_edge_list
from graphkit.launch.cli import run


@pytest.fixture
def files(tmp_path):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n1 2\n2 3\n")
    labels.write_text("0 0\n1 1\n2 0\n3 1\n")
    return edges, labels


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("train_fraction", "0.6", "train_fraction must be a number, got '0.6' (str)"),
        ("val_fraction", True, "val_fraction must be a number, got True (bool)"),
        ("seed", 1.5, "seed must be an integer in [-2^63, 2^64)"),
        ("seed", "abc", "got 'abc' (str)"),
        ("seed", np.bool_(True), "seed must be an integer"),
        ("seed", 2**64, "seed must be an integer"),
    ],
)
def test_wrong_option_type_rejected(files, option, value, expected):
    edges, labels = files
    with pytest.raises(ValueError) as error:
        load_edge_list(edges, labels=labels, **{option: value})
    assert expected in str(error.value)


def test_file_list_rejected(files):
    edges, labels = files
    with pytest.raises(ValueError) as error:
        load_dataset(str(edges), labels=[str(labels)])
    assert "labels must be the path of one file, got [" in str(error.value)


def test_valid_numpy_values_accepted(files):
    edges, labels = files
    data = load_edge_list(
        edges, labels=labels, train_fraction=np.float32(0.5), seed=np.int64(3)
    )
    assert int(data.train_mask.sum()) == 2


def test_quoted_fraction_on_command_line(files, capsys):
    edges, labels = files
    options = f"{{labels: {labels}, train_fraction: '0.6'}}"
    code = run(["train", "--dataset", str(edges), "--dataset-options", options])
    assert code == 2
    error = capsys.readouterr().err
    assert "train_fraction must be a number, got '0.6' (str)" in error
    assert "Write it unquoted in --dataset-options" in error
