"""``graphkit partition`` passes --parts, --method, --seed, --balance-train and --split on."""

import pytest
import torch
from graphkit.datasets import synthetic_csbm
from graphkit.distributed import partition
from graphkit.launch.cli import main

SMALL_OPTIONS = {"num_nodes": 200, "avg_degree": 4, "num_features": 4}
SMALL_ARGV = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]


@pytest.fixture()
def partition_calls(monkeypatch):
    """Record the arguments of each partition_nodes call and run the real function."""
    calls = []
    partition_nodes = partition.partition_nodes

    def record(edge_index, num_nodes, num_parts, method, train_mask, seed):
        calls.append(
            {"parts": num_parts, "method": method, "train": train_mask, "seed": seed}
        )
        return partition_nodes(
            edge_index, num_nodes, num_parts, method, train_mask, seed
        )

    monkeypatch.setattr(partition, "partition_nodes", record)
    return calls


def test_seed_parts_and_train_mask_passed(tmp_path, partition_calls):
    argv = ["partition", *SMALL_ARGV, "--parts", "3", "--seed", "7"]
    argv += ["--balance-train", "--out", str(tmp_path / "parts")]
    assert main(argv) == 0
    (call,) = partition_calls
    assert call["parts"] == 3
    assert call["method"] == "metis"
    assert call["seed"] == 7
    assert torch.equal(call["train"], synthetic_csbm(**SMALL_OPTIONS).train_mask)


def test_no_train_mask_without_balance_train(tmp_path, partition_calls):
    argv = ["partition", *SMALL_ARGV, "--parts", "2", "--method", "random"]
    assert main([*argv, "--out", str(tmp_path / "parts")]) == 0
    (call,) = partition_calls
    assert call["method"] == "random"
    assert call["train"] is None


def test_split_passed_to_loader(tmp_path, monkeypatch):
    import graphkit.datasets

    requested = []

    def load(*args, split=None, **kwargs):
        requested.append(split)
        return synthetic_csbm(**SMALL_OPTIONS)

    monkeypatch.setattr(graphkit.datasets, "load_dataset", load)
    argv = ["partition", "--parts", "2", "--split", "2"]
    assert main([*argv, "--out", str(tmp_path / "parts")]) == 0
    assert requested == [2]
