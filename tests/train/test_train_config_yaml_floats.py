"""Exponent floats such as 1e-3 in YAML configs and --dataset-options."""

import argparse

import pytest
import yaml

from graphkit.train.config import TrainConfig, add_config_arguments, config_from_args


def test_yaml_exponent_floats_are_numbers(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("lr: 1e-3\nweight_decay: 5E-4\ndropout: .25e0\n")
    config = TrainConfig.from_yaml(path)
    assert config.lr == 0.001
    assert config.weight_decay == 0.0005
    assert config.dropout == 0.25


def test_dataset_options_exponent_float():
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args = parser.parse_args(["--dataset-options", "{homophily: 5e-1, avg_degree: 1.0e1}"])
    options = config_from_args(args).dataset_options
    assert options == {"homophily": 0.5, "avg_degree": 10.0}
    assert isinstance(options["homophily"], float)


@pytest.mark.parametrize("text", ["1e", "e5", "1e-3x", "abc"])
def test_non_numbers_stay_strings(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(f"dataset: {text}\n")
    assert TrainConfig.from_yaml(path).dataset == text


def test_safe_load_itself_unchanged():
    # The float rule belongs to graphkit's loader only, not to yaml.SafeLoader.
    assert yaml.safe_load("1e-3") == "1e-3"
