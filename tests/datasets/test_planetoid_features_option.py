"""A Planetoid dataset rejects a features value other than true or false.

A feature-file name is truthy, so without the check ``features: x.csv`` loaded the
Planetoid features and silently ignored the file.
"""

import pytest

from graphkit.datasets import load_dataset
from graphkit.launch.cli import run


def test_feature_file_rejected(tmp_path):
    with pytest.raises(ValueError) as caught:
        load_dataset("cora", tmp_path, features="x.csv")
    assert str(caught.value) == (
        "cora: features must be true or false (whether to read the Planetoid feature "
        "files), got 'x.csv' in load_dataset. A feature file of your own needs an "
        "edge-list file EDGES as the dataset: load_dataset(EDGES, features=FILE)"
    )


def test_feature_file_rejected_on_command_line(tmp_path, capsys):
    code = run(["train", "--dataset", "citeseer", "--root", str(tmp_path),
                "--dataset-options", "{features: x.csv}", "--epochs", "1"])  # fmt: skip
    assert code == 2
    # The log line "training on cpu" comes before the error, so check the last line.
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert last_line.startswith(
        "graphkit train: error: citeseer: features must be true or false"
    )
    assert last_line.endswith("--dataset EDGES --dataset-options '{features: FILE}'")
