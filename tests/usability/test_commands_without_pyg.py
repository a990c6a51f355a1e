"""Commands that need nothing from PyG run without importing torch_geometric.

Importing torch_geometric costs about 1.8 CPU s (torch 2.13, PyG 2.8.1). Each check
runs the command in a fresh interpreter and checks its exit code and that
``torch_geometric`` is not in ``sys.modules`` at exit.
"""

import pytest
from fresh_interpreter import run_graphkit, run_python

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 8}"]


def assert_pyg_unimported(arguments: list[str]) -> None:
    """Check that ``graphkit ARGUMENTS`` exits 0 in a new interpreter without PyG."""
    result = run_graphkit(arguments)
    assert result.exit_code == 0
    assert "torch_geometric" not in result.imported


def test_train_synthetic_leaves_pyg_unimported():
    assert_pyg_unimported(["train", "--epochs", "1", *SMALL_GRAPH])


def test_partition_synthetic_leaves_pyg_unimported(tmp_path):
    out = str(tmp_path / "parts")
    arguments = ["partition", "--parts", "2", "--out", out, *SMALL_GRAPH]
    assert_pyg_unimported(arguments)
    assert (tmp_path / "parts" / "meta.json").is_file()


def test_train_on_partitions_leaves_pyg_unimported(tmp_path):
    parts = str(tmp_path / "parts")
    partition = ["partition", "--parts", "1", "--out", parts, *SMALL_GRAPH]
    assert_pyg_unimported(partition)
    train = ["train", "--partitions", parts, "--epochs", "1"]
    assert_pyg_unimported(train)


@pytest.mark.realdata
def test_analyze_real_datasets_leave_pyg_unimported(shared_data):
    # Planetoid without features and the Yandex archives are read without PyG.
    datasets = ["cora", "citeseer", "pubmed", "chameleon", "squirrel-filtered"]
    arguments = ["analyze", "--root", str(shared_data / "graphs")]
    for name in datasets:
        arguments += ["--dataset", name]
    assert_pyg_unimported(arguments)


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["train", "--help"], ["analyze", "--help"], ["partition", "--help"],
     ["extras", "list"]],
    ids=["help", "train-help", "analyze-help", "partition-help", "extras-list"],
)
def test_help_and_listing_leave_pyg_unimported(arguments):
    assert_pyg_unimported(arguments)


def test_dataset_package_import_leaves_pyg_unimported():
    code = (
        "import sys, graphkit.datasets, graphkit.distributed.files, "
        "graphkit.distributed.partition, graphkit.train.trainer; "
        "print('torch_geometric' in sys.modules)"
    )
    assert run_python(code) == ["False"]
