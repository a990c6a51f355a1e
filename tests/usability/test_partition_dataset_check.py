"""Partitions of one dataset are not trained under another dataset's name."""

import pytest

from graphkit.distributed.files import PartitionFileError
from graphkit.distributed.runtime import check_dataset
from graphkit.train import TrainConfig


def test_other_dataset_rejected():
    config = TrainConfig(dataset="texas", partitions="parts/cora-2")
    with pytest.raises(PartitionFileError, match="contains partitions of dataset 'cora'"):
        check_dataset({"dataset": "cora"}, config)


def test_same_or_default_dataset_accepted():
    check_dataset({"dataset": "cora"}, TrainConfig(dataset="cora", partitions="p"))
    check_dataset({"dataset": "cora"}, TrainConfig(partitions="p"))  # not given
    check_dataset({}, TrainConfig(dataset="texas", partitions="p"))  # old metadata


@pytest.mark.parametrize(
    "recorded, given",
    [("Cora", "cora"), ("roman_empire", "roman-empire"), ("film", "Actor")],
)
def test_other_spelling_of_same_dataset_accepted(recorded, given):
    # load_dataset reads both spellings as the same dataset.
    check_dataset({"dataset": recorded}, TrainConfig(dataset=given, partitions="p"))


def test_edge_list_paths_compared_as_given():
    config = TrainConfig(dataset="/data/b.txt", partitions="p")
    with pytest.raises(PartitionFileError, match="dataset '/data/a.txt'"):
        check_dataset({"dataset": "/data/a.txt"}, config)
    check_dataset({"dataset": "/data/b.txt"}, config)
