"""The config that graphkit train logs leaves out the options --partitions ignores."""

from graphkit.launch.cmd_train import logged_config

from graphkit.train.config import TrainConfig


def test_partitions_drop_dataset_options():
    shown = logged_config(TrainConfig(partitions="parts", root="data"))
    assert shown["partitions"] == "parts"
    assert "root" not in shown
    assert "dataset_options" not in shown
    # The default dataset was not given, so the folder's own dataset is logged instead.
    assert "dataset" not in shown


def test_partitions_keep_given_dataset():
    shown = logged_config(TrainConfig(partitions="parts", dataset="cora"))
    assert shown["dataset"] == "cora"


def test_without_partitions_all_fields_logged():
    config = TrainConfig(root="data")
    assert logged_config(config) == config.to_dict()
