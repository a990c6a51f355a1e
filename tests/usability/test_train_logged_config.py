"""The config that graphkit train logs leaves out the options --partitions ignores."""

from graphkit.launch.cmd_train import logged_config
from graphkit.train.config import TrainConfig


def test_partitions_drop_dataset_options():
    logged = logged_config(TrainConfig(partitions="parts", root="data"))
    assert logged["partitions"] == "parts"
    assert "root" not in logged
    assert "dataset_options" not in logged
    # dataset is left at its default, so it is dropped. The folder's own dataset is
    # logged when the folder is read.
    assert "dataset" not in logged


def test_partitions_keep_given_dataset():
    logged = logged_config(TrainConfig(partitions="parts", dataset="cora"))
    assert logged["dataset"] == "cora"


def test_without_partitions_all_fields_logged():
    config = TrainConfig(root="data")
    assert logged_config(config) == config.to_dict()
