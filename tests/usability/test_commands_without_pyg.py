"""Commands that need nothing from PyG run without importing torch_geometric.

Importing torch_geometric costs about 1.8 CPU s (torch 2.13, PyG 2.8.1). Each check
runs the command in a fresh interpreter and prints whether ``torch_geometric`` is in
``sys.modules`` at exit.
"""

import subprocess
import sys

import pytest

RUN_COMMAND = """
import sys
from graphkit.launch.cli import run

try:
    code = run(sys.argv[1:])
except SystemExit as error:  # --help exits through argparse
    code = error.code
print("exit", code, "pyg", "torch_geometric" in sys.modules)
"""

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 8}"]


def run_fresh(arguments: list[str]) -> list[str]:
    """Run ``graphkit ARGUMENTS`` in a new interpreter and return its last output line."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_COMMAND, *arguments],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()


def test_train_synthetic_leaves_pyg_unimported():
    assert run_fresh(["train", "--epochs", "1", *SMALL_GRAPH]) == [
        "exit", "0", "pyg", "False"
    ]


def test_partition_synthetic_leaves_pyg_unimported(tmp_path):
    out = str(tmp_path / "parts")
    arguments = ["partition", "--parts", "2", "--out", out, *SMALL_GRAPH]
    assert run_fresh(arguments) == ["exit", "0", "pyg", "False"]
    assert (tmp_path / "parts" / "meta.json").is_file()


def test_train_on_partitions_leaves_pyg_unimported(tmp_path):
    parts = str(tmp_path / "parts")
    partition = ["partition", "--parts", "1", "--out", parts, *SMALL_GRAPH]
    assert run_fresh(partition) == ["exit", "0", "pyg", "False"]
    train = ["train", "--partitions", parts, "--epochs", "1"]
    assert run_fresh(train) == ["exit", "0", "pyg", "False"]


@pytest.mark.realdata
def test_analyze_real_datasets_leave_pyg_unimported(shared_data):
    # Planetoid without features and the Yandex archives are read without PyG.
    datasets = ["cora", "citeseer", "pubmed", "chameleon", "squirrel-filtered"]
    arguments = ["analyze", "--root", str(shared_data / "graphs")]
    for name in datasets:
        arguments += ["--dataset", name]
    assert run_fresh(arguments) == ["exit", "0", "pyg", "False"]


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["train", "--help"], ["analyze", "--help"], ["partition", "--help"],
     ["extras", "list"]],
    ids=["help", "train-help", "analyze-help", "partition-help", "extras-list"],
)
def test_help_and_listing_leave_pyg_unimported(arguments):
    assert run_fresh(arguments) == ["exit", "0", "pyg", "False"]


def test_dataset_package_import_leaves_pyg_unimported():
    code = (
        "import sys, graphkit.datasets, graphkit.distributed.files, "
        "graphkit.distributed.partition, graphkit.train.trainer; "
        "print('torch_geometric' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]
