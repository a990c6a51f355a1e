"""Partitions of an edge list without features or labels: a warning, then a clear error.

The trainer's own message suggests --dataset-options, which --partitions ignores, so
graphkit train names the partition folder and the graphkit partition command instead.
"""

import pytest
from graphkit.launch.cli import main, run

EDGES = "0 1\n1 2\n2 3\n3 0\n0 2\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "edges.txt").write_text(EDGES)
    (tmp_path / "labels.txt").write_text("0 0\n1 0\n2 1\n3 1\n")
    (tmp_path / "x.txt").write_text("0 1.0\n1 2.0\n2 3.0\n3 4.0\n")
    return tmp_path


def partition(files, options: str) -> str:
    out = files / "parts"
    argv = ["partition", "--dataset", str(files / "edges.txt"), "--parts", "1"]
    assert main([*argv, "--dataset-options", options, "--out", str(out)]) == 0
    return str(out)


@pytest.mark.parametrize(
    "options, missing",
    [
        ("{labels: %s/labels.txt}", "node features (data.x)"),
        ("{features: %s/x.txt}", "labels (data.y)"),
    ],
)
def test_train_names_partition_fix(files, capsys, options, missing):
    out = partition(files, options % files)
    assert "so graphkit train cannot train on these partitions" in capsys.readouterr().err
    assert run(["train", "--partitions", out, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert f"the partitions in {out} contain no {missing}" in err
    assert f"--dataset-options '{{features: FILE, labels: FILE}}' --parts N --out {out} --overwrite" in err


def test_full_partitions_train(files, capsys):
    out = partition(files, f"{{features: {files}/x.txt, labels: {files}/labels.txt}}")
    assert "cannot train" not in capsys.readouterr().err
    assert run(["train", "--partitions", out, "--epochs", "1", "--metric", "accuracy"]) == 0
    assert "test accuracy" in capsys.readouterr().out
