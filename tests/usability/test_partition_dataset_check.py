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
