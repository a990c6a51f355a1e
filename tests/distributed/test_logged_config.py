"""The config log of a partitioned run leaves out the dataset options it does not use."""

from graphkit.launch.cmd_train import logged_config
from graphkit.train import TrainConfig


def test_partitions_drop_default_dataset():
    shown = logged_config(TrainConfig(partitions="parts/cora-2"))
    assert "dataset" not in shown
    assert "root" not in shown
    assert "dataset_options" not in shown
    assert shown["partitions"] == "parts/cora-2"


def test_partitions_keep_given_dataset():
    shown = logged_config(TrainConfig(partitions="parts/cora-2", dataset="cora"))
    assert shown["dataset"] == "cora"


def test_without_partitions_everything_is_logged():
    config = TrainConfig(dataset="cora", root="/data")
    assert logged_config(config) == config.to_dict()
